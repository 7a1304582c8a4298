package io.understudy.core.backend;

/**
 * Why live traffic could not connect to a server: the passive health signal the connector reports to the control
 * plane.
 *
 * @param kind what went wrong
 * @param message the OS or proxy message, for logs and {@code last_chk}
 */
public record ConnectFailure(Kind kind, String message) {
    /** The classes of connect failure, which health checking maps to HAProxy's status codes. */
    public enum Kind {
        /** Refused or reset: nothing listens (L4CON). */
        REFUSED,
        /** The TCP connect did not complete within {@code timeout connect} (L4TOUT). */
        TIMEOUT,
        /** Connected, but the server sent no greeting within {@code timeout connect} (L7TOUT): hung or overloaded. */
        NO_GREETING,
        /** Any other socket error (SOCKERR). */
        ERROR
    }

    /** Whether the server did not answer in time (as opposed to answering no). */
    public boolean timedOut() {
        return kind == Kind.TIMEOUT || kind == Kind.NO_GREETING;
    }
}
