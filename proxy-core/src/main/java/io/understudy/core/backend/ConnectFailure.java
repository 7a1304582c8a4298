package io.understudy.core.backend;

import io.netty.channel.ConnectTimeoutException;
import java.io.IOException;
import java.util.regex.Pattern;

/**
 * Why a connection to a server failed, classified once for both users: the relay's connector (a passive health signal,
 * and whether to move on at once) and the health checks (HAProxy's status code and {@code last_chk} text).
 *
 * @param kind what went wrong
 * @param message the OS's words for it ("Connection refused"), without Netty's decorations
 */
public record ConnectFailure(Kind kind, String message) {
    /** The classes of connect failure, with the HAProxy check status each one is. */
    public enum Kind {
        /** The peer or the network said no: refused, reset, unreachable (HAProxy's L4CON). */
        CONNECTION("Layer4 connection problem"),
        /** The TCP connect did not complete in time (L4TOUT). */
        TIMEOUT("Layer4 timeout"),
        /** Connected, but the server sent no greeting in time (L7TOUT): hung or overloaded. */
        NO_GREETING("Layer7 timeout"),
        /** Nothing reached the network: no socket could be made, the event loop is stopping (SOCKERR). */
        LOCAL("Socket error");

        private final String description;

        Kind(String description) {
            this.description = description;
        }

        /** HAProxy's {@code check_desc} words for this kind. */
        public String description() {
            return description;
        }
    }

    /** Netty's native transport prefixes the OS text with the syscall: "finishConnect(..) failed: ". */
    private static final Pattern NATIVE_PREFIX =
            Pattern.compile("^\\w+\\(\\.\\.\\) failed(?: with error\\(-?\\d+\\))?: ");
    /** Netty appends the remote address to connect errors; the log line names the server already. */
    private static final Pattern ADDRESS_SUFFIX = Pattern.compile(": [^ ]*/[0-9a-fA-F.:\\[\\]%]+(?::\\d+)?$");

    /** Classifies {@code cause}, the failure of a connect or of the wait for a server's first bytes. */
    public static ConnectFailure of(Throwable cause) {
        if (cause instanceof ConnectTimeoutException) {
            return new ConnectFailure(Kind.TIMEOUT, "connect timeout");
        }
        String m = message(reason(cause));
        if (cause instanceof GreetingWait.GreetingTimeoutException) {
            return new ConnectFailure(Kind.NO_GREETING, m);
        }
        if (cause instanceof IOException && !outOfDescriptors(cause)) {
            return new ConnectFailure(Kind.CONNECTION, m);
        }
        return new ConnectFailure(Kind.LOCAL, m);
    }

    /**
     * Whether {@code cause}, or any cause under it, says this process ran out of file descriptors (EMFILE, or ENFILE
     * for the whole system): a local shortage, never the server's fault.
     */
    public static boolean outOfDescriptors(Throwable cause) {
        // Bounded: a cause chain can loop.
        Throwable t = cause;
        for (int depth = 0; t != null && depth < MAX_CAUSES; depth++, t = t.getCause()) {
            if (t instanceof java.sql.SQLException sql && sql.getErrorCode() > 0) {
                // The server's own error packet (errno 24 on its side): its problem, not this proxy's.
                return false;
            }
            String m = t.getMessage();
            if (m != null && m.contains("Too many open files")) {
                return true;
            }
        }
        return false;
    }

    private static final int MAX_CAUSES = 16;

    /**
     * Netty wraps a socket that could not be made ("Unable to create Channel from class ...") around the OS's reason:
     * that reason is what the operator needs.
     */
    private static Throwable reason(Throwable cause) {
        Throwable t = cause;
        for (int depth = 0;
                t instanceof io.netty.channel.ChannelException && t.getCause() != null && depth < MAX_CAUSES;
                depth++) {
            t = t.getCause();
        }
        return t;
    }

    /** Whether nothing reached the server: the failure is this proxy's, and says nothing of the server's health. */
    public boolean local() {
        return kind == Kind.LOCAL;
    }

    /** Whether the server did not answer in time (as opposed to answering no). */
    public boolean timedOut() {
        return kind == Kind.TIMEOUT || kind == Kind.NO_GREETING;
    }

    private static String message(Throwable cause) {
        String m = cause.getMessage();
        if (m == null || m.isBlank()) {
            return cause.getClass().getSimpleName();
        }
        m = NATIVE_PREFIX.matcher(ADDRESS_SUFFIX.matcher(m).replaceFirst("")).replaceFirst("");
        // The JDK words ECONNRESET its own way; use the OS's (strerror) words, as the native transport and HAProxy do.
        return m.equals("Connection reset") ? "Connection reset by peer" : m;
    }
}
