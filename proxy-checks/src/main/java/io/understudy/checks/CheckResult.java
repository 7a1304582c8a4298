package io.understudy.checks;

import io.understudy.core.backend.ConnectFailure;
import java.util.OptionalInt;

/**
 * What one check found: data, never an exception.
 *
 * @param status HAProxy's status code
 * @param code the layer-7 code: the MySQL error number for L7STS, 0 for L7OK, empty otherwise
 * @param info the last check message ({@code last_chk}): the MySQL error text, the OS error, or a short explanation
 * @param durationMillis how long the check took, connect included
 * @param local the check never reached the server (no file descriptor left, the event loop or the SQL executor
 *     stopped or saturated): shown as {@code SOCKERR}, but counted neither for nor against the server. HAProxy counts
 *     its socket errors; it also reserves descriptors so that it rarely meets one, and a proxy that ran out of them
 *     must not fail over a healthy server.
 */
public record CheckResult(CheckStatus status, OptionalInt code, String info, long durationMillis, boolean local) {
    public CheckResult(CheckStatus status, OptionalInt code, String info, long durationMillis) {
        this(status, code, info, durationMillis, false);
    }

    public static CheckResult of(CheckStatus status, String info, long durationMillis) {
        return new CheckResult(status, OptionalInt.empty(), info, durationMillis);
    }

    /** A check that could not be run for a reason of this proxy's own: {@code SOCKERR}, not counted. */
    public static CheckResult notRun(String info, long durationMillis) {
        return new CheckResult(CheckStatus.SOCKERR, OptionalInt.empty(), info, durationMillis, true);
    }

    /** A check that could not connect: HAProxy's status for the failure's kind, with the OS's words. */
    public static CheckResult connectFailed(Throwable cause, long durationMillis) {
        ConnectFailure f = ConnectFailure.of(cause);
        return f.local()
                ? notRun(f.message(), durationMillis)
                : of(CheckStatus.of(f.kind()), f.message(), durationMillis);
    }

    public static CheckResult withCode(CheckStatus status, int code, String info, long durationMillis) {
        return new CheckResult(status, OptionalInt.of(code), info, durationMillis);
    }

    public boolean passed() {
        return status.passed();
    }

    /**
     * The reason as HAProxy's state-change logs word it: {@code Layer7 wrong status, code: 1045, info: "..."}.
     */
    public String describe() {
        StringBuilder s = new StringBuilder(status.description());
        code.ifPresent(c -> s.append(", code: ").append(c));
        if (!info.isEmpty()) {
            s.append(", info: \"").append(info).append('"');
        }
        return s.append(", check duration: ")
                .append(durationMillis)
                .append("ms")
                .toString();
    }
}
