package io.understudy.testkit;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;

/**
 * Waits for a condition by polling it, with a deadline and a failure message that says what was awaited, what the
 * last attempt saw and any diagnostics (typically the tail of a server's error log).
 */
final class Poll {
    /** A condition that may throw while the awaited thing is not ready yet; the last exception is reported. */
    @FunctionalInterface
    interface Condition {
        boolean test() throws Exception;
    }

    /** Thrown from a condition to stop waiting at once, e.g. when the awaited process has exited. */
    static final class Abort extends RuntimeException {
        Abort(String message) {
            super(message);
        }
    }

    private static final long MIN_INTERVAL_NANOS = TimeUnit.MILLISECONDS.toNanos(10);
    private static final long MAX_INTERVAL_NANOS = TimeUnit.MILLISECONDS.toNanos(200);

    private Poll() {}

    /**
     * Polls {@code condition} until it holds. The interval starts at 10 ms and grows to 200 ms, so that fast
     * conditions are noticed quickly without burning a core on slow ones.
     *
     * @throws MariaDbFixtureException on timeout or when the condition throws {@link Abort}
     */
    static void until(String what, Duration timeout, Condition condition, Supplier<String> diagnostics) {
        long start = System.nanoTime();
        long deadline = start + timeout.toNanos();
        long interval = MIN_INTERVAL_NANOS;
        Exception last = null;
        while (true) {
            try {
                if (condition.test()) {
                    return;
                }
            } catch (Abort abort) {
                throw new MariaDbFixtureException(
                        "gave up waiting for " + what + ": " + abort.getMessage() + details(diagnostics));
            } catch (Exception e) {
                last = e;
            }
            long now = System.nanoTime();
            if (now - deadline >= 0) {
                String cause = last == null ? "" : " (last attempt: " + last + ")";
                throw new MariaDbFixtureException(
                        "timed out after " + timeout.toMillis() + " ms waiting for " + what + cause
                                + details(diagnostics),
                        last);
            }
            LockSupport.parkNanos(Math.min(interval, deadline - now));
            interval = Math.min(interval * 2, MAX_INTERVAL_NANOS);
            if (Thread.interrupted()) {
                throw new MariaDbFixtureException("interrupted while waiting for " + what);
            }
        }
    }

    private static String details(Supplier<String> diagnostics) {
        String text = diagnostics == null ? null : diagnostics.get();
        return text == null || text.isBlank() ? "" : "\n" + text;
    }
}
