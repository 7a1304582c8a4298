package io.understudy.checks.fence;

import io.understudy.checks.sql.JdbcLogin;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.OptionalLong;

/**
 * One connection to one server that holds, or looks at, the writer lock. Its {@code wait_timeout} is short, so that a
 * lock held by a proxy that vanished without closing (host dead, cable cut) is freed by the server within that time;
 * a proxy that dies normally closes the connection and frees the lock at once. Fence thread only.
 */
final class LockSession implements AutoCloseable {
    /**
     * Seconds of silence after which the server drops the session, and its lock: the bound on how long a lock outlives
     * a proxy cut off without a word (the session is queried every fence round, so it is never idle while alive).
     */
    static final int WAIT_TIMEOUT_SECONDS = 3;

    private final Connection connection;
    private final long id;

    private LockSession(Connection connection, long id) {
        this.connection = connection;
        this.id = id;
    }

    static LockSession open(JdbcLogin login, int timeoutMillis) throws SQLException {
        Connection c = login.connect(timeoutMillis);
        try (Statement s = c.createStatement()) {
            s.execute("SET SESSION wait_timeout = " + WAIT_TIMEOUT_SECONDS);
            try (ResultSet r = s.executeQuery("SELECT CONNECTION_ID()")) {
                r.next();
                return new LockSession(c, r.getLong(1));
            }
        } catch (SQLException e) {
            c.close();
            throw e;
        }
    }

    /** This session's connection id: what {@code IS_USED_LOCK} returns while it holds the lock. */
    long id() {
        return id;
    }

    /** The connection id holding {@code name} on this server, if any. */
    OptionalLong holder(String name) throws SQLException {
        try (PreparedStatement p = connection.prepareStatement("SELECT IS_USED_LOCK(?)")) {
            p.setString(1, name);
            try (ResultSet r = p.executeQuery()) {
                r.next();
                long v = r.getLong(1);
                return r.wasNull() ? OptionalLong.empty() : OptionalLong.of(v);
            }
        }
    }

    /** Takes {@code name} without waiting: whether this session holds it now. */
    boolean acquire(String name) throws SQLException {
        try (PreparedStatement p = connection.prepareStatement("SELECT GET_LOCK(?, 0)")) {
            p.setString(1, name);
            try (ResultSet r = p.executeQuery()) {
                r.next();
                return r.getInt(1) == 1;
            }
        }
    }

    /** Ends one of this proxy's own earlier sessions (a user may kill its own threads). */
    void kill(long connectionId) throws SQLException {
        try (Statement s = connection.createStatement()) {
            s.execute("KILL CONNECTION " + connectionId);
        }
    }

    void release(String name) throws SQLException {
        try (PreparedStatement p = connection.prepareStatement("SELECT RELEASE_LOCK(?)")) {
            p.setString(1, name);
            p.executeQuery().close();
        }
    }

    @Override
    public void close() {
        try {
            connection.close();
        } catch (SQLException e) {
            // Closing frees the lock on the server's side; a failure here means the connection is gone already.
        }
    }
}
