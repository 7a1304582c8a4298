package io.understudy.admin.command;

/**
 * Parses a weight as HAProxy's {@code server_parse_weight_change_request} does (reference §2.4): {@code N} absolute,
 * 0..256, or {@code N%} of the server's initial weight (capped at 256), with its checks in its order and its texts.
 * Every algorithm Understudy has is dynamic in HAProxy's sense, so HAProxy's static-algorithm refusal never applies.
 */
final class WeightText {
    private WeightText() {}

    /** The new user weight, or a {@link CliException} with HAProxy's text. */
    static int parse(String text, int initialWeight) {
        if (text.isEmpty()) {
            throw new CliException(CliMessages.WEIGHT_REQUIRED);
        }
        // C's strtol(text, &end, 10): leading white space, a sign, digits; saturates instead of overflowing.
        int i = 0;
        while (i < text.length() && " \t\n\u000b\f\r".indexOf(text.charAt(i)) >= 0) {
            i++;
        }
        boolean negative = false;
        if (i < text.length() && (text.charAt(i) == '+' || text.charAt(i) == '-')) {
            negative = text.charAt(i) == '-';
            i++;
        }
        int digitsStart = i;
        long w = 0;
        while (i < text.length() && text.charAt(i) >= '0' && text.charAt(i) <= '9') {
            w = Math.min(w * 10 + (text.charAt(i) - '0'), Integer.MAX_VALUE);
            i++;
        }
        if (i == digitsStart) {
            throw new CliException(CliMessages.WEIGHT_EMPTY);
        }
        w = negative ? -w : w;
        String rest = text.substring(i);
        if (rest.equals("%")) {
            if (w < 0) {
                throw new CliException(CliMessages.WEIGHT_RELATIVE_NEGATIVE);
            }
            w = Math.min(w, 25_600);
            return (int) Math.min(initialWeight * w / 100, 256);
        }
        if (w < 0 || w > 256) {
            throw new CliException(CliMessages.WEIGHT_ABSOLUTE_RANGE);
        }
        if (!rest.isEmpty()) {
            throw new CliException(CliMessages.WEIGHT_TRAILING_GARBAGE);
        }
        return (int) w;
    }
}
