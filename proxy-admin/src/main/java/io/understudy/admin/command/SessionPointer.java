package io.understudy.admin.command;

/**
 * Reads a session id the way HAProxy reads the pointer {@code shutdown session} takes ({@code strtoul(arg, NULL, 0)}):
 * {@code 0x1f} hexadecimal as {@code show sess} prints it, {@code 017} octal, {@code 31} decimal; leading white space
 * skipped, trailing garbage ignored, nothing readable gives 0.
 */
final class SessionPointer {
    private SessionPointer() {}

    /** The id, 0 when none could be read, -1 for anything that cannot be a session id (negative, too large). */
    static long parse(String text) {
        int i = 0;
        int n = text.length();
        while (i < n && " \t\n\u000b\f\r".indexOf(text.charAt(i)) >= 0) {
            i++;
        }
        boolean negative = false;
        if (i < n && (text.charAt(i) == '+' || text.charAt(i) == '-')) {
            negative = text.charAt(i) == '-';
            i++;
        }
        int radix = 10;
        if (i < n && text.charAt(i) == '0') {
            boolean hexPrefix = i + 2 < n
                    && (text.charAt(i + 1) == 'x' || text.charAt(i + 1) == 'X')
                    && digit(text.charAt(i + 2), 16) >= 0;
            if (hexPrefix) {
                radix = 16;
                i += 2;
            } else {
                radix = 8;
            }
        }
        long v = 0;
        boolean overflow = false;
        while (i < n && digit(text.charAt(i), radix) >= 0) {
            int d = digit(text.charAt(i), radix);
            if (v > (Long.MAX_VALUE - d) / radix) {
                overflow = true;
            } else {
                v = v * radix + d;
            }
            i++;
        }
        if (overflow || (negative && v != 0)) {
            return -1;
        }
        return v;
    }

    /** The value of an ASCII digit in {@code radix}, or -1 (C reads bytes, so no other script's digits). */
    private static int digit(char c, int radix) {
        int d;
        if (c >= '0' && c <= '9') {
            d = c - '0';
        } else if (c >= 'a' && c <= 'z') {
            d = c - 'a' + 10;
        } else if (c >= 'A' && c <= 'Z') {
            d = c - 'A' + 10;
        } else {
            return -1;
        }
        return d < radix ? d : -1;
    }
}
