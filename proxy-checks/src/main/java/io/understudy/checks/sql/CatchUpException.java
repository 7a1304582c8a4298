package io.understudy.checks.sql;

import java.util.Objects;

/**
 * Why a server cannot take over yet, in one line an operator can act on, e.g. {@code MySQL/Secondary
 * (127.0.0.1:3307) is not replicating: Slave_IO_Running=No, Slave_SQL_Running=No}. The admin command prints the
 * message as it is; {@link #reason()} is for code that must tell the cases apart (counting, retrying).
 */
public final class CatchUpException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** What went wrong, coarse enough to count. */
    public enum Reason {
        /** The TCP connect failed: refused, no route, unknown host. */
        UNREACHABLE,
        /** The server did not answer within the timeout: frozen, overloaded, or a connect that timed out. */
        NO_ANSWER,
        /** The server answered with an error, e.g. 1227 when the account lacks a privilege. */
        SERVER_ERROR,
        /** The connection broke, or the server's answer made no sense. */
        CONNECTION_LOST,
        /** The old server has no binary log, or MySQL's GTIDs are off: there is no position to wait for. */
        NO_GTID,
        /** The new server has no replication configured. */
        NOT_A_REPLICA,
        /** The new server is a replica, but a replication thread is not running. */
        NOT_REPLICATING,
        /** The new server answered, but had not applied the position when the timeout came. */
        NOT_APPLIED,
        /** The blocking pool refused the work (saturated or shut down), or the work failed unexpectedly. */
        NOT_STARTED
    }

    private final Reason reason;
    private final String server;

    CatchUpException(Reason reason, String server, String message) {
        super(message);
        this.reason = Objects.requireNonNull(reason, "reason");
        this.server = Objects.requireNonNull(server, "server");
    }

    CatchUpException(Reason reason, String server, String message, Throwable cause) {
        super(message, cause);
        this.reason = Objects.requireNonNull(reason, "reason");
        this.server = Objects.requireNonNull(server, "server");
    }

    public Reason reason() {
        return reason;
    }

    /** The server as the messages name it: {@code backend/server (host:port)}. */
    public String server() {
        return server;
    }
}
