package io.understudy.admin.command;

/** A non-negative count typed on the admin socket ({@code maxconn}, a rate limit). */
final class Counts {
    private Counts() {}

    /**
     * The value of {@code text}: {@code notANumber} when it does not start with a digit or a sign, {@link
     * CliMessages#VALUE_OUT_OF_RANGE} when it is negative, beyond {@code int} or has trailing garbage.
     */
    static int parse(String text, String notANumber) {
        if (text.isEmpty() || !(Character.isDigit(text.charAt(0)) || text.charAt(0) == '-' || text.charAt(0) == '+')) {
            throw new CliException(notANumber);
        }
        if (!text.substring(1).chars().allMatch(Character::isDigit)) {
            // HAProxy's answer for "10abc" (strtol stops before the letters).
            throw new CliException(CliMessages.MAXCONN_TRAILING_GARBAGE);
        }
        try {
            int v = Integer.parseInt(text);
            if (v >= 0) {
                return v;
            }
        } catch (NumberFormatException e) {
            // below
        }
        throw new CliException(CliMessages.VALUE_OUT_OF_RANGE);
    }
}
