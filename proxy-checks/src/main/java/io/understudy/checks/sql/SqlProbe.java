package io.understudy.checks.sql;

import io.understudy.checks.CheckResult;
import io.understudy.checks.CheckStatus;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Optional;
import java.util.StringJoiner;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One run of an SQL check, blocking, on a {@link SqlCheckExecutor} thread: log in, run the query, apply the role
 * gates, close. Every network wait is bounded by what is left of the check's budget, so the thread is free again
 * at about the deadline even when the server hangs.
 */
final class SqlProbe {
    private static final Logger log = LoggerFactory.getLogger(SqlProbe.class);

    private final JdbcLogin login;
    private final String query;
    private final boolean checkWritable;
    private final Optional<Duration> maxLag;
    private final ReplicaStatusReader replicaStatus;
    private final Deadline deadline;
    /** The open connection, for {@link #abort()} from the timeout guard's thread. */
    private volatile Connection connection;

    private volatile boolean aborted;

    SqlProbe(
            JdbcLogin login,
            String query,
            boolean checkWritable,
            Optional<Duration> maxLag,
            ReplicaStatusReader replicaStatus,
            Deadline deadline) {
        this.login = login;
        this.query = query;
        this.checkWritable = checkWritable;
        this.maxLag = maxLag;
        this.replicaStatus = replicaStatus;
        this.deadline = deadline;
    }

    CheckResult run() {
        String step = "login";
        Connection c = null;
        try {
            c = connect();
            StringJoiner info = new StringJoiner("; ");
            info.add(c.getMetaData().getDatabaseProductVersion());

            step = query;
            execute(c, query);

            if (checkWritable) {
                step = RoleGates.READ_ONLY_QUERY;
                GateVerdict writable = RoleGates.writable(queryForString(c, RoleGates.READ_ONLY_QUERY));
                if (!writable.passed()) {
                    return failed(writable);
                }
                info.add(writable.info());
            }
            if (maxLag.isPresent()) {
                step = replicaStatus.statement();
                GateVerdict lag = RoleGates.lag(replicaStatus.read(c, queryTimeoutSeconds()), maxLag.get());
                if (!lag.passed()) {
                    return failed(lag);
                }
                info.add(lag.info());
            }
            return CheckResult.withCode(
                    CheckStatus.L7OK, 0, SqlFailureClassifier.oneLine(info.toString()), deadline.elapsedMillis());
        } catch (SQLException e) {
            log.debug("SQL check of {} failed at {}", login.url(), step, e);
            return SqlFailureClassifier.classify(e, step, deadline.elapsedMillis());
        } catch (BudgetSpent e) {
            return CheckResult.of(
                    CheckStatus.L7TOUT,
                    SqlFailureClassifier.oneLine(step + ": check timeout of " + deadline.budgetMillis() + "ms reached"),
                    deadline.elapsedMillis());
        } finally {
            close(c);
        }
    }

    /**
     * Closes the connection under the running check so that a read that is still blocked fails at once. Called by
     * the timeout guard, whose result has already been delivered, so whatever the probe returns then is dropped.
     */
    void abort() {
        aborted = true;
        Connection c = connection;
        if (c == null) {
            return;
        }
        try {
            // Runnable::run: the driver only closes the socket, which is quick and must not wait for a thread.
            c.abort(Runnable::run);
        } catch (SQLException | RuntimeException e) {
            log.debug("aborting the SQL check connection to {} failed", login.url(), e);
        }
    }

    private Connection connect() throws SQLException {
        Connection c = login.connect(remainingMillis());
        connection = c;
        if (aborted) {
            // The guard fired while we were logging in and could not abort a connection it did not see.
            close(c);
            throw new BudgetSpent();
        }
        return c;
    }

    private void execute(Connection c, String sql) throws SQLException {
        try (Statement s = statement(c)) {
            if (s.execute(sql)) {
                // Reading the first row proves the server produced a result, not just a header.
                try (ResultSet rs = s.getResultSet()) {
                    rs.next();
                }
            }
        }
    }

    private String queryForString(Connection c, String sql) throws SQLException {
        try (Statement s = statement(c);
                ResultSet rs = s.executeQuery(sql)) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    /**
     * A statement bounded twice by the remaining budget: the socket timeout (via {@code setNetworkTimeout}) catches a
     * server that stopped answering, and the query timeout lets the driver KILL a query that runs too long, so the
     * server stops working on it too.
     */
    private Statement statement(Connection c) throws SQLException {
        int seconds = queryTimeoutSeconds();
        c.setNetworkTimeout(Runnable::run, remainingMillis());
        Statement s = c.createStatement();
        s.setQueryTimeout(seconds);
        return s;
    }

    /** The query timeout in whole seconds (JDBC's unit), rounded up so that it never cuts the budget short. */
    private int queryTimeoutSeconds() {
        return (int) Math.max(1, (remainingMillis() + 999) / 1000);
    }

    /** What is left of the budget, at least 1 ms, since 0 means "no timeout" to the driver. */
    private int remainingMillis() {
        long left = deadline.remainingMillis();
        if (left <= 0 || aborted) {
            throw new BudgetSpent();
        }
        return (int) Math.min(Integer.MAX_VALUE, left);
    }

    private CheckResult failed(GateVerdict verdict) {
        return new CheckResult(CheckStatus.L7STS, verdict.code(), verdict.info(), deadline.elapsedMillis());
    }

    /** Closes with COM_QUIT if the connection still works, so the server counts no aborted connection. */
    private void close(Connection c) {
        if (c == null) {
            return;
        }
        try {
            c.close();
        } catch (SQLException | RuntimeException e) {
            log.debug("closing the SQL check connection to {} failed", login.url(), e);
        }
    }

    /** The budget ran out between two steps; the step in progress says where. */
    private static final class BudgetSpent extends RuntimeException {
        private static final long serialVersionUID = 1L;

        BudgetSpent() {
            super(null, null, false, false);
        }
    }
}
