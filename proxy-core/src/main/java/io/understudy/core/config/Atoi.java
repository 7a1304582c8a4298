package io.understudy.core.config;

/**
 * C's {@code atoi}, which HAProxy applies to ids and numbers typed on its CLI: leading blanks, an optional sign, then
 * ASCII digits up to the first other character; 0 when there are none. Saturates at {@code int}'s range instead of
 * overflowing. The one number reader for operator-typed ids, so every command reads {@code #2x} the same way.
 */
public final class Atoi {
    private Atoi() {}

    public static int parse(String s) {
        int i = 0;
        while (i < s.length() && (s.charAt(i) == ' ' || s.charAt(i) == '\t')) {
            i++;
        }
        boolean negative = false;
        if (i < s.length() && (s.charAt(i) == '-' || s.charAt(i) == '+')) {
            negative = s.charAt(i) == '-';
            i++;
        }
        long v = 0;
        while (i < s.length() && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
            v = Math.min(v * 10 + (s.charAt(i) - '0'), (long) Integer.MAX_VALUE + 1);
            i++;
        }
        long signed = negative ? -v : v;
        return (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, signed));
    }
}
