package io.understudy.core.config;

/**
 * What a live-traffic connect failure (refused, reset, no greeting in time) does to a checked server's health:
 * HAProxy's {@code observe layer4}, {@code error-limit} and {@code on-error}, as an operator knows them.
 *
 * @param observe whether live traffic counts at all ({@code observe = layer4}; {@code none} ignores it)
 * @param errorLimit how many live errors between two active checks trigger {@code onError}
 * @param onError what happens then
 */
public record LiveErrors(boolean observe, int errorLimit, OnError onError) {
    /** Understudy's default: the first live error leaves the server one failed check from down, checked at once. */
    public static final LiveErrors DEFAULT = new LiveErrors(true, 1, OnError.SUDDEN_DEATH);

    /** HAProxy's {@code on-error} actions; every one also runs the next check at once. */
    public enum OnError {
        /** Only check at once (HAProxy's {@code fastinter}); a writer takes no new session until that check. */
        FASTINTER,
        /** Count one failed check ({@code fail-check}, the default). */
        FAIL_CHECK,
        /** One failure from down: the next failed check marks it down ({@code sudden-death}). */
        SUDDEN_DEATH,
        /** Mark the server down at once ({@code mark-down}). */
        MARK_DOWN
    }

    public LiveErrors {
        if (errorLimit < 1) {
            throw new IllegalArgumentException("error-limit must be at least 1: " + errorLimit);
        }
    }
}
