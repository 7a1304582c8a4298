package io.understudy.checks.tcp;

import io.netty.channel.ConnectTimeoutException;
import io.understudy.checks.CheckStatus;
import java.io.IOException;
import java.util.regex.Pattern;

/**
 * Maps why a check could not connect to HAProxy's status and {@code last_chk} text: a timeout is {@code L4TOUT}, an
 * error the peer or the network returned (refused, unreachable) is {@code L4CON} with the OS message, and anything
 * local (no socket could be created, the event loop is shutting down) is {@code SOCKERR}.
 */
public final class ConnectFailure {
    /** Netty's native transport prefixes the OS text with the syscall: "finishConnect(..) failed: ". */
    private static final Pattern NATIVE_PREFIX =
            Pattern.compile("^\\w+\\(\\.\\.\\) failed(?: with error\\(-?\\d+\\))?: ");
    /** Netty appends the remote address to connect errors; the check's log line names the server already. */
    private static final Pattern ADDRESS_SUFFIX = Pattern.compile(": [^ ]*/[0-9a-fA-F.:\\[\\]%]+(?::\\d+)?$");

    private ConnectFailure() {}

    public static CheckStatus status(Throwable cause) {
        if (cause instanceof ConnectTimeoutException) {
            return CheckStatus.L4TOUT;
        }
        if (cause instanceof IOException && !message(cause).contains("Too many open files")) {
            return CheckStatus.L4CON;
        }
        return CheckStatus.SOCKERR;
    }

    /** The OS's words for {@code cause}, e.g. "Connection refused", without Netty's decorations. */
    public static String message(Throwable cause) {
        if (cause instanceof ConnectTimeoutException) {
            return "connect timeout";
        }
        String m = cause.getMessage();
        if (m == null || m.isBlank()) {
            return cause.getClass().getSimpleName();
        }
        m = NATIVE_PREFIX.matcher(ADDRESS_SUFFIX.matcher(m).replaceFirst("")).replaceFirst("");
        // The JDK words ECONNRESET its own way; use the OS's (strerror) words, as the native transport and HAProxy do.
        return m.equals("Connection reset") ? "Connection reset by peer" : m;
    }
}
