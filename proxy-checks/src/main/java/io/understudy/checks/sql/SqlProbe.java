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
 * gates, close. The login and every statement are bounded by what is left of the check's budget, so the thread is
 * free again soon after the deadline even when the server hangs.
 */
final class SqlProbe {
    private static final Logger log = LoggerFactory.getLogger(SqlProbe.class);

    private final JdbcLogin login;
    private final String query;
    private final boolean checkWritable;
    private final Optional<Duration> maxLag;
    private final ReplicaStatusReader replicaStatus;
    private final Deadline deadline;
    private final BoundedStatements statements;

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
        this.statements = new BoundedStatements(deadline);
    }

    CheckResult run() {
        String step = "login";
        Connection c = null;
        try {
            c = login.connect(statements.remainingMillis());
            StringJoiner info = new StringJoiner("; ");
            info.add(serverVersion(c.getMetaData().getDatabaseProductVersion()));

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
                GateVerdict lag = RoleGates.lag(replicaStatus.read(c, statements), maxLag.get());
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
        } catch (BoundedStatements.BudgetSpent e) {
            return CheckResult.of(
                    CheckStatus.L7TOUT,
                    SqlFailureClassifier.oneLine(step + ": check timeout of " + deadline.budgetMillis() + "ms reached"),
                    deadline.elapsedMillis());
        } finally {
            close(c);
        }
    }

    /**
     * The version as the server's own {@code VERSION()} says it: MariaDB prefixes its handshake version with
     * "5.5.5-" so that pre-10 clients do not mistake it for MySQL 10, and operators know it without that prefix.
     */
    static String serverVersion(String handshakeVersion) {
        String prefix = "5.5.5-";
        return handshakeVersion.startsWith(prefix) && handshakeVersion.contains("MariaDB")
                ? handshakeVersion.substring(prefix.length())
                : handshakeVersion;
    }

    private void execute(Connection c, String sql) throws SQLException {
        try (Statement s = statements.create(c)) {
            if (s.execute(sql)) {
                // Reading the first row proves the server produced a result, not just a header.
                try (ResultSet rs = s.getResultSet()) {
                    rs.next();
                }
            }
        }
    }

    private String queryForString(Connection c, String sql) throws SQLException {
        try (Statement s = statements.create(c);
                ResultSet rs = s.executeQuery(sql)) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    private CheckResult failed(GateVerdict verdict) {
        return new CheckResult(CheckStatus.L7STS, verdict.code(), verdict.info(), deadline.elapsedMillis());
    }

    /** Closes with COM_QUIT if the connection still works, so the server counts no aborted client. */
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
}
