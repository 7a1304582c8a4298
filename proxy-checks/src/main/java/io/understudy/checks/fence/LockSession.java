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
    private final long serverStartSeconds;

    private LockSession(Connection connection, long id, long serverStartSeconds) {
        this.connection = connection;
        this.id = id;
        this.serverStartSeconds = serverStartSeconds;
    }

    static LockSession open(JdbcLogin login, int timeoutMillis) throws SQLException {
        Connection c = login.connect(timeoutMillis);
        try (Statement s = c.createStatement()) {
            s.execute("SET SESSION wait_timeout = " + WAIT_TIMEOUT_SECONDS);
            long id;
            long now;
            try (ResultSet r = s.executeQuery("SELECT CONNECTION_ID(), UNIX_TIMESTAMP()")) {
                r.next();
                id = r.getLong(1);
                now = r.getLong(2);
            }
            long uptime = 0;
            try (ResultSet r = s.executeQuery("SHOW GLOBAL STATUS LIKE 'Uptime'")) {
                if (r.next()) {
                    uptime = r.getLong(2);
                }
            }
            return new LockSession(c, id, now - uptime);
        } catch (SQLException e) {
            c.close();
            throw e;
        }
    }

    /** This session's connection id: what {@code IS_USED_LOCK} returns while it holds the lock. */
    long id() {
        return id;
    }

    /**
     * When the server started (epoch seconds, from its uptime): connection ids start again from 1 after a restart, so
     * an id remembered from before one names someone else's session now.
     */
    long serverStartSeconds() {
        return serverStartSeconds;
    }

    /** Whether {@code other} was a session to the same run of the same server (within a second of clock rounding). */
    boolean sameServerRun(long otherStartSeconds) {
        return Math.abs(serverStartSeconds - otherStartSeconds) <= 1;
    }

    /**
     * Who holds the two locks of a backend on this server, in one query.
     *
     * @param active the connection id holding the writer lock here, if any
     * @param claim the connection id holding the claim here, if any
     */
    record Held(OptionalLong active, OptionalLong claim) {
        static final Held NONE = new Held(OptionalLong.empty(), OptionalLong.empty());

        Held withActive(OptionalLong a) {
            return new Held(a, claim);
        }

        Held withClaim(OptionalLong c) {
            return new Held(active, c);
        }
    }

    /** The connection ids holding {@code active} and {@code claim} on this server. */
    Held look(String active, String claim) throws SQLException {
        try (PreparedStatement p = connection.prepareStatement("SELECT IS_USED_LOCK(?), IS_USED_LOCK(?)")) {
            p.setString(1, active);
            p.setString(2, claim);
            try (ResultSet r = p.executeQuery()) {
                r.next();
                long a = r.getLong(1);
                OptionalLong activeHolder = r.wasNull() ? OptionalLong.empty() : OptionalLong.of(a);
                long c = r.getLong(2);
                OptionalLong claimHolder = r.wasNull() ? OptionalLong.empty() : OptionalLong.of(c);
                return new Held(activeHolder, claimHolder);
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
