package io.understudy.checks.sql;

import io.understudy.checks.CheckResult;
import io.understudy.checks.CheckStatus;
import io.understudy.core.backend.ConnectFailure;
import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.PortUnreachableException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.sql.SQLException;
import java.sql.SQLTimeoutException;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * Turns the {@link SQLException} a failed SQL check got into HAProxy's status: the driver reports refused connects,
 * timeouts and server errors all as SQLExceptions, and only the cause chain tells them apart.
 *
 * <table>
 *   <caption>Classification, first match wins</caption>
 *   <tr><th>cause chain</th><th>status</th><th>code</th><th>info</th></tr>
 *   <tr><td>{@link ConnectException}, {@link NoRouteToHostException}, {@link UnknownHostException}</td>
 *       <td>L4CON</td><td>-</td><td>the OS error, e.g. "Connection refused"</td></tr>
 *   <tr><td>{@link SocketTimeoutException} thrown by the TCP connect</td><td>L4TOUT</td><td>-</td>
 *       <td>"Connect timed out"</td></tr>
 *   <tr><td>any other {@link SocketTimeoutException}, or an {@link SQLTimeoutException}</td><td>L7TOUT</td><td>-</td>
 *       <td>step and cause, e.g. "login: Read timed out"</td></tr>
 *   <tr><td>a MySQL error number ({@link SQLException#getErrorCode()} &gt; 0)</td><td>L7STS</td>
 *       <td>that number</td><td>the server's message</td></tr>
 *   <tr><td>anything else (connection lost, protocol or driver error)</td><td>L7RSP</td><td>-</td>
 *       <td>step and the innermost message</td></tr>
 * </table>
 */
final class SqlFailureClassifier {
    /** Long enough for any MySQL error message, short enough for a log line and {@code show stat}. */
    static final int MAX_INFO_LENGTH = 200;

    private SqlFailureClassifier() {}

    /**
     * @param step what the check was doing, e.g. "login" or the query text; prefixes infos that would otherwise not
     *     say where the check got stuck
     */
    static CheckResult classify(SQLException e, String step, long durationMillis) {
        if (e.getErrorCode() <= 0 && ConnectFailure.outOfDescriptors(e)) {
            return CheckResult.notRun(oneLine(step + ": " + infoOf(innermost(e))), durationMillis);
        }
        Throwable unreachable = find(
                e,
                ConnectException.class,
                NoRouteToHostException.class,
                PortUnreachableException.class,
                UnknownHostException.class);
        if (unreachable != null) {
            return CheckResult.of(CheckStatus.L4CON, infoOf(unreachable), durationMillis);
        }
        SocketTimeoutException timeout = (SocketTimeoutException) find(e, SocketTimeoutException.class);
        if (timeout != null) {
            if (isTcpConnect(timeout)) {
                return CheckResult.of(CheckStatus.L4TOUT, infoOf(timeout), durationMillis);
            }
            return CheckResult.of(CheckStatus.L7TOUT, oneLine(step + ": " + infoOf(timeout)), durationMillis);
        }
        if (find(e, SQLTimeoutException.class) != null) {
            return CheckResult.of(CheckStatus.L7TOUT, oneLine(step + ": " + infoOf(e)), durationMillis);
        }
        if (e.getErrorCode() > 0) {
            return CheckResult.withCode(CheckStatus.L7STS, e.getErrorCode(), oneLine(infoOf(e)), durationMillis);
        }
        return CheckResult.of(CheckStatus.L7RSP, oneLine(step + ": " + infoOf(innermost(e))), durationMillis);
    }

    /**
     * Whether a socket timeout hit the TCP connect rather than a read. The JDK throws the same class for both; the
     * connect one comes out of {@code Socket.connect} (and says "Connect timed out").
     */
    static boolean isTcpConnect(SocketTimeoutException e) {
        for (StackTraceElement frame : e.getStackTrace()) {
            if (frame.getMethodName().equals("connect")
                    && (frame.getClassName().equals("java.net.Socket")
                            || frame.getClassName().equals("sun.nio.ch.NioSocketImpl"))) {
                return true;
            }
        }
        return "Connect timed out".equalsIgnoreCase(e.getMessage());
    }

    /** Collapses whitespace and newlines (the driver's messages span paragraphs) and caps the length. */
    static String oneLine(String text) {
        String s = text.replaceAll("\\s+", " ").trim();
        return s.length() <= MAX_INFO_LENGTH ? s : s.substring(0, MAX_INFO_LENGTH - 3) + "...";
    }

    @SafeVarargs
    private static Throwable find(Throwable e, Class<? extends Throwable>... types) {
        Map<Throwable, Boolean> seen = new IdentityHashMap<>();
        for (Throwable t = e; t != null && seen.put(t, Boolean.TRUE) == null; t = t.getCause()) {
            for (Class<? extends Throwable> type : types) {
                if (type.isInstance(t)) {
                    return t;
                }
            }
        }
        return null;
    }

    /** The deepest I/O exception if there is one (it names what went wrong), else the outermost exception. */
    private static Throwable innermost(Throwable e) {
        Throwable io = null;
        Map<Throwable, Boolean> seen = new IdentityHashMap<>();
        for (Throwable t = e; t != null && seen.put(t, Boolean.TRUE) == null; t = t.getCause()) {
            if (t instanceof IOException) {
                io = t;
            }
        }
        return io != null ? io : e;
    }

    private static String infoOf(Throwable t) {
        String message = t.getMessage();
        return message == null || message.isBlank() ? t.getClass().getSimpleName() : message;
    }
}
