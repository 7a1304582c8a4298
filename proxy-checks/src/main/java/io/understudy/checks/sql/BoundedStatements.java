package io.understudy.checks.sql;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Creates the statements of one check, each bounded by what is left of the check's budget, twice over.
 *
 * <p>The query timeout ({@code Statement.setQueryTimeout}, whole seconds, rounded up) makes the driver send
 * {@code KILL QUERY} on a side connection, so that a check query stuck on a lock stops on the server too instead of
 * piling up one more stuck session every check interval. The socket timeout ({@code setNetworkTimeout}) catches a
 * server that no longer answers at all; it is set {@value #KILL_GRACE_MILLIS} ms after the query timeout so that the
 * KILL gets its chance first. The check's result does not wait for either: the guard in {@link SqlCheck} answers at
 * the deadline, and the thread is free again at most the rounding plus this grace later.
 */
final class BoundedStatements {
    /** Time for the driver's KILL QUERY (a login and a statement on a side connection) on a live server. */
    static final int KILL_GRACE_MILLIS = 500;

    private final Deadline deadline;

    BoundedStatements(Deadline deadline) {
        this.deadline = deadline;
    }

    /** A statement on {@code c}; the caller closes it. */
    Statement create(Connection c) throws SQLException {
        int seconds = queryTimeoutSeconds();
        c.setNetworkTimeout(Runnable::run, seconds * 1000 + KILL_GRACE_MILLIS);
        Statement s = c.createStatement();
        s.setQueryTimeout(seconds);
        return s;
    }

    /** A prepared statement for {@code sql} on {@code c}, bounded like {@link #create}; the caller closes it. */
    PreparedStatement prepare(Connection c, String sql) throws SQLException {
        int seconds = queryTimeoutSeconds();
        c.setNetworkTimeout(Runnable::run, seconds * 1000 + KILL_GRACE_MILLIS);
        PreparedStatement s = c.prepareStatement(sql);
        s.setQueryTimeout(seconds);
        return s;
    }

    /** The query timeout in whole seconds (JDBC's unit), rounded up so that it never cuts the budget short. */
    int queryTimeoutSeconds() {
        // In long arithmetic: a budget near Integer.MAX_VALUE ms must not overflow into a negative timeout.
        return (int) Math.min(Integer.MAX_VALUE / 1000 - 1, (remainingMillis() + 999L) / 1000);
    }

    /**
     * What is left of the budget, at least 1 ms, since 0 means "no timeout" to the driver.
     *
     * @throws BudgetSpent if nothing is left
     */
    int remainingMillis() {
        long left = deadline.remainingMillis();
        if (left <= 0) {
            throw new BudgetSpent();
        }
        return (int) Math.min(Integer.MAX_VALUE, left);
    }

    /** The check's budget ran out between two steps; the step in progress says where. */
    static final class BudgetSpent extends RuntimeException {
        private static final long serialVersionUID = 1L;

        BudgetSpent() {
            // No message or stack trace: this is control flow, and the probe turns it into an L7TOUT result.
            super(null, null, false, false);
        }
    }
}
