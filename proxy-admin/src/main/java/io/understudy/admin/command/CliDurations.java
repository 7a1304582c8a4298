package io.understudy.admin.command;

import java.time.Duration;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Durations typed on the CLI, HAProxy's way: a number with {@code ms}, {@code s}, {@code m} or {@code h}; bare = ms. */
final class CliDurations {
    private static final Pattern FORM = Pattern.compile("(\\d{1,6})(ms|s|m|h)?");

    private CliDurations() {}

    /** The duration, if {@code text} is one and is above zero. */
    static Optional<Duration> parse(String text) {
        Matcher m = FORM.matcher(text);
        if (!m.matches()) {
            return Optional.empty();
        }
        long n = Long.parseLong(m.group(1));
        String unit = m.group(2) == null ? "ms" : m.group(2);
        Duration d =
                switch (unit) {
                    case "s" -> Duration.ofSeconds(n);
                    case "m" -> Duration.ofMinutes(n);
                    case "h" -> Duration.ofHours(n);
                    default -> Duration.ofMillis(n);
                };
        return d.isZero() ? Optional.empty() : Optional.of(d);
    }
}
