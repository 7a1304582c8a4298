package io.understudy.core.model;

import java.util.Locale;
import java.util.Objects;

/**
 * Why the model changed: a typed cause, for code that must tell a health check from an operator, and the detail an
 * operator reads (a check's result in HAProxy's words, the command typed, the file restored).
 *
 * @param cause the kind of change
 * @param detail the words for logs, {@code show stat} and {@code show events}; may be empty
 */
public record Reason(Cause cause, String detail) {
    /** The kinds of change the model knows. */
    public enum Cause {
        /** The state the configuration gives a server before anything happened. */
        INITIAL,
        /** An active health check passed or failed. */
        CHECK,
        /** Live traffic could not connect to the server. */
        LIVE_TRAFFIC,
        /** An operator set a server ready, draining or in maintenance. */
        ADMIN_MODE,
        /** An operator set a server's weight. */
        WEIGHT,
        /** An operator turned a server's health checks off or on. */
        CHECKS_TOGGLED,
        /** An operator pinned a backend's traffic to a server, or unpinned it. */
        TRAFFIC_MOVE,
        /** Admin state imported as a whole (the state file, a peer). */
        IMPORT,
        /** An operator changed a server's address, maxconn or check port. */
        SETTINGS,
        /** An operator forced a server's health ({@code set server health}). */
        FORCED_HEALTH,
        /** A server was added to or deleted from a backend. */
        MEMBERSHIP,
        /** An operator changed a frontend or a process-wide limit. */
        FRONTEND,
        /** A server got its first address from DNS or an operator, leaving MAINT (resolution), or lost it. */
        RESOLUTION
    }

    public Reason {
        Objects.requireNonNull(cause, "cause");
        Objects.requireNonNull(detail, "detail");
    }

    public static Reason of(Cause cause, String detail) {
        return new Reason(cause, detail == null ? "" : detail);
    }

    /** The detail, or the cause's name when there is none. */
    public String text() {
        return detail.isEmpty() ? cause.name().toLowerCase(Locale.ROOT).replace('_', ' ') : detail;
    }

    @Override
    public String toString() {
        return text();
    }
}
