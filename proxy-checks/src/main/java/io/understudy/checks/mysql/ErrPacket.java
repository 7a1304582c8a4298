package io.understudy.checks.mysql;

import java.nio.charset.StandardCharsets;

/**
 * A server's ERR packet: {@code 0xff}, the error number, then the text. The text is kept as HAProxy shows it in
 * {@code last_chk}: with the {@code #SQLSTATE} marker when the server sent one ("#28000Access denied ..."), without
 * when it did not (errors sent instead of a greeting, such as 1129 "Host ... is blocked").
 */
record ErrPacket(int errno, String message) {
    static final int MARKER = 0xff;

    static ErrPacket parse(byte[] payload) throws MalformedPacketException {
        PayloadReader r = new PayloadReader(payload, "error packet");
        r.skip(1);
        int errno = r.u16();
        return new ErrPacket(errno, new String(r.rest(), StandardCharsets.UTF_8));
    }
}
