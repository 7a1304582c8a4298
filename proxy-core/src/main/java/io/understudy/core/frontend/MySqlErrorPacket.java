package io.understudy.core.frontend;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.nio.charset.StandardCharsets;

/**
 * Builds the MySQL ERR packet the proxy sends to a client it cannot connect anywhere. A MySQL server speaks first, so a
 * client that gets this instead of a greeting shows the proxy's reason ("ERROR 1105 (HY000): ...") rather than "Lost
 * connection to server at 'reading initial communication packet'". Same layout as a server's pre-handshake ERR (for
 * example 1129 "Host is blocked"): no SQL-state marker, since no capabilities were agreed yet.
 */
final class MySqlErrorPacket {
    /** ER_UNKNOWN_ERROR: the generic server-side code; clients print it with the message. */
    static final int ER_UNKNOWN_ERROR = 1105;

    private MySqlErrorPacket() {}

    static ByteBuf encode(ByteBufAllocator alloc, int errno, String message) {
        byte[] text = message.getBytes(StandardCharsets.UTF_8);
        int payload = 1 + 2 + text.length;
        ByteBuf buf = alloc.buffer(4 + payload);
        buf.writeMediumLE(payload);
        buf.writeByte(0); // sequence id
        buf.writeByte(0xff);
        buf.writeShortLE(errno);
        buf.writeBytes(text);
        return buf;
    }
}
