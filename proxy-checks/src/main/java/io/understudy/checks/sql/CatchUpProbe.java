package io.understudy.checks.sql;

import io.understudy.checks.sql.CatchUpException.Reason;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One login to one server for {@link ReplicationCatchUp}, blocking, on a thread of its pool: read a position, check
 * that replication runs, or wait for a position, then close. Every step is bounded by what is left of the caller's
 * timeout, so the thread is free again soon after it even when the server hangs.
 *
 * <p>Not thread-safe: one thread opens, uses and closes it.
 */
final class CatchUpProbe implements AutoCloseable {
    /**
     * How much longer than the server's own wait the driver waits for its answer. The server answers "timed out" at
     * the deadline; if the driver's timeouts fired first the caller would get "did not answer" instead of the
     * position the replica had reached.
     */
    static final long WAIT_GRACE_MILLIS = 1000;
    /** How long, after a wait timed out, the probe may spend asking where the replica got to. */
    static final long DIAGNOSIS_MILLIS = 1000;

    private static final Logger log = LoggerFactory.getLogger(CatchUpProbe.class);

    private final String server;
    private final JdbcLogin login;
    private final Deadline deadline;
    private final BoundedStatements statements;
    private final Connection connection;
    private final GtidDialect dialect;

    private CatchUpProbe(
            String server, JdbcLogin login, Deadline deadline, Connection connection, GtidDialect dialect) {
        this.server = server;
        this.login = login;
        this.deadline = deadline;
        this.statements = new BoundedStatements(deadline);
        this.connection = connection;
        this.dialect = dialect;
    }

    /** Logs in and learns whether the server is MariaDB or MySQL. */
    static CatchUpProbe open(String server, JdbcLogin login, Deadline deadline) {
        Connection c = null;
        try {
            c = login.connect(new BoundedStatements(deadline).remainingMillis());
            GtidDialect dialect = GtidDialect.of(c.getMetaData().getDatabaseProductVersion());
            return new CatchUpProbe(server, login, deadline, c, dialect);
        } catch (SQLException e) {
            close(c, login);
            throw CatchUpFailures.of(server, e, "login", budget(deadline));
        } catch (BoundedStatements.BudgetSpent e) {
            throw CatchUpFailures.noAnswer(server, budget(deadline), "login: timeout reached", null);
        }
    }

    /** The server's committed position; fails if it has no binlog (or, on MySQL, no GTIDs). */
    GtidPosition position() {
        String step = dialect.positionQuery();
        String logBin;
        String text;
        String gtidMode;
        try (Statement s = statements.create(connection);
                ResultSet rs = s.executeQuery(step)) {
            if (!rs.next()) {
                throw new CatchUpException(Reason.CONNECTION_LOST, server, server + " answered no row to " + step);
            }
            logBin = rs.getString(1);
            text = rs.getString(2);
            gtidMode = dialect.hasGtidMode() ? rs.getString(3) : "ON";
        } catch (SQLException e) {
            throw CatchUpFailures.of(server, e, step, budget(deadline));
        } catch (BoundedStatements.BudgetSpent e) {
            throw CatchUpFailures.noAnswer(server, budget(deadline), step + ": timeout reached", null);
        }
        if (!isOn(logBin)) {
            throw new CatchUpException(
                    Reason.NO_GTID, server, server + " has no binary log (log_bin=OFF): no replica can follow it");
        }
        if (!isOn(gtidMode)) {
            throw new CatchUpException(
                    Reason.NO_GTID,
                    server,
                    server + " has gtid_mode=" + gtidMode + ": its transactions have no GTID to wait for");
        }
        return new GtidPosition(text == null ? "" : text);
    }

    /** Fails unless the server is a replica whose IO and SQL threads both run. */
    void requireReplicating() {
        ReplicaStatusReader reader = new ReplicaStatusReader();
        Optional<ReplicaStatus> status;
        try {
            status = reader.read(connection, statements);
        } catch (SQLException e) {
            throw CatchUpFailures.of(server, e, reader.statement(), budget(deadline));
        } catch (BoundedStatements.BudgetSpent e) {
            throw CatchUpFailures.noAnswer(server, budget(deadline), reader.statement() + ": timeout reached", null);
        }
        if (status.isEmpty()) {
            throw new CatchUpException(
                    Reason.NOT_A_REPLICA,
                    server,
                    server + " is not a replica: " + reader.statement() + " returned no row");
        }
        if (!running(status.get())) {
            throw new CatchUpException(
                    Reason.NOT_REPLICATING,
                    server,
                    SqlFailureClassifier.oneLine(server + " is not replicating: " + threads(status.get())));
        }
    }

    /**
     * Waits on the server until it has applied {@code position}, for what is left of the timeout.
     *
     * @return how long since the caller asked, queueing and login included
     */
    Duration awaitApplied(GtidPosition position) {
        String step = dialect.waitQuery();
        long result;
        boolean wasNull;
        try {
            long waitMillis = statements.remainingMillis();
            BoundedStatements waitBound = new BoundedStatements(
                    new Deadline(deadline.startNanos(), deadline.budgetMillis() + WAIT_GRACE_MILLIS));
            try (PreparedStatement s = waitBound.prepare(connection, step)) {
                s.setString(1, position.text());
                // Fractional seconds: both functions take them, and a 1.5 s budget must not become 1 s or 2 s.
                s.setBigDecimal(2, BigDecimal.valueOf(waitMillis, 3));
                try (ResultSet rs = s.executeQuery()) {
                    if (!rs.next()) {
                        throw new CatchUpException(
                                Reason.CONNECTION_LOST, server, server + " answered no row to " + step);
                    }
                    result = rs.getLong(1);
                    wasNull = rs.wasNull();
                }
            }
        } catch (SQLException e) {
            throw CatchUpFailures.of(server, e, step, budget(deadline));
        } catch (BoundedStatements.BudgetSpent e) {
            throw notApplied(position);
        }
        if (!wasNull && result == 0) {
            return Duration.ofMillis(deadline.elapsedMillis());
        }
        if (!wasNull && result == dialect.timedOutResult()) {
            throw notApplied(position);
        }
        throw new CatchUpException(
                Reason.SERVER_ERROR, server, server + " answered " + (wasNull ? "NULL" : result) + " to " + step);
    }

    /**
     * Timed out: says where the replica got to, and whether its replication runs, when a short extra look can tell;
     * the message stays useful without them.
     */
    private CatchUpException notApplied(GtidPosition position) {
        StringBuilder message = new StringBuilder(server)
                .append(" did not apply ")
                .append(position)
                .append(" within ")
                .append(RoleGates.format(budget(deadline)));
        BoundedStatements look = new BoundedStatements(Deadline.startingNow(Duration.ofMillis(DIAGNOSIS_MILLIS)));
        try {
            try (Statement s = look.create(connection);
                    ResultSet rs = s.executeQuery(dialect.appliedQuery())) {
                if (rs.next()) {
                    message.append(" (at ")
                            .append(new GtidPosition(nullToEmpty(rs.getString(1))))
                            .append(')');
                }
            }
            Optional<ReplicaStatus> status = new ReplicaStatusReader().read(connection, look);
            if (status.isEmpty()) {
                message.append("; not a replica");
            } else if (!running(status.get())) {
                message.append("; not replicating: ").append(threads(status.get()));
            }
        } catch (SQLException | BoundedStatements.BudgetSpent e) {
            log.debug("{}: cannot tell where the replica got to", server, e);
        }
        return new CatchUpException(Reason.NOT_APPLIED, server, SqlFailureClassifier.oneLine(message.toString()));
    }

    /** Closes with COM_QUIT if the connection still works, so the server counts no aborted client. */
    @Override
    public void close() {
        close(connection, login);
    }

    private static void close(Connection c, JdbcLogin login) {
        if (c == null) {
            return;
        }
        try {
            c.close();
        } catch (SQLException | RuntimeException e) {
            log.debug("closing the catch-up connection to {} failed", login.url(), e);
        }
    }

    private static boolean running(ReplicaStatus s) {
        return s.ioRunning().equalsIgnoreCase("Yes") && s.sqlRunning().equalsIgnoreCase("Yes");
    }

    /** "Slave_IO_Running=No, Slave_SQL_Running=Yes; last error: ...", in the server's own column names. */
    private static String threads(ReplicaStatus s) {
        String prefix = s.lagColumn().endsWith("Source") ? "Replica" : "Slave";
        StringBuilder text = new StringBuilder()
                .append(prefix)
                .append("_IO_Running=")
                .append(s.ioRunning().isEmpty() ? "?" : s.ioRunning())
                .append(", ")
                .append(prefix)
                .append("_SQL_Running=")
                .append(s.sqlRunning().isEmpty() ? "?" : s.sqlRunning());
        if (!s.lastError().isEmpty()) {
            text.append("; last error: ").append(s.lastError());
        }
        return text.toString();
    }

    private static boolean isOn(String value) {
        return value != null && (value.trim().equals("1") || value.trim().equalsIgnoreCase("ON"));
    }

    private static String nullToEmpty(String s) {
        return s == null ? "" : s;
    }

    private static Duration budget(Deadline deadline) {
        return Duration.ofMillis(deadline.budgetMillis());
    }
}
