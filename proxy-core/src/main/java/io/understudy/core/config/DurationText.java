package io.understudy.core.config;

import java.time.Duration;

/** Writes durations the way the config file takes them ({@code 1s}, {@code 250ms}, {@code 8h}), for logs. */
public final class DurationText {
    private DurationText() {}

    public static String format(Duration d) {
        long ms = d.toMillis();
        if (ms == 0 || ms % 1000 != 0) {
            return ms + "ms";
        }
        long s = ms / 1000;
        if (s % 3600 == 0) {
            return s / 3600 + "h";
        }
        if (s % 60 == 0) {
            return s / 60 + "m";
        }
        return s + "s";
    }
}
