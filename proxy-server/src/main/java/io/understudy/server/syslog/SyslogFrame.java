package io.understudy.server.syslog;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * One syslog datagram as HAProxy 2.6 sends it by default ({@code format rfc3164}, no {@code log-send-hostname}):
 * {@code <PRI>Mmm dd HH:mm:ss understudy[pid]: message\n}, the day padded with a space and the time local, as in
 * {@code <134>Dec  3 18:39:51 haproxy[27237]: 127.0.0.1:37194 [03/Dec/2026:18:39:51.467] MySQL ...}.
 */
final class SyslogFrame {
    /** HAProxy's default message length limit ({@code len 1024}); longer messages are cut, as HAProxy cuts them. */
    static final int MAX_BYTES = 1024;

    private static final DateTimeFormatter STAMP =
            DateTimeFormatter.ofPattern("MMM ppd HH:mm:ss", Locale.ENGLISH).withZone(ZoneId.systemDefault());

    private final String tag;

    /** @param program the program name before {@code [pid]}, e.g. {@code understudy} */
    SyslogFrame(String program, long pid) {
        this.tag = program + "[" + pid + "]: ";
    }

    byte[] frame(int facility, int severity, long epochMillis, String message) {
        String text = "<" + (facility * 8 + severity) + ">" + STAMP.format(Instant.ofEpochMilli(epochMillis)) + " "
                + tag + message;
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        int len = Math.min(bytes.length, MAX_BYTES - 1);
        byte[] out = new byte[len + 1];
        System.arraycopy(bytes, 0, out, 0, len);
        out[len] = '\n';
        return out;
    }
}
