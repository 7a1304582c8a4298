package io.understudy.checks.mysql;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/** Frames the client's small packets: a payload with its header, and COM_QUIT. */
final class Packets {
    /** COM_QUIT: a command, so it starts a new sequence at 0 ({@code 01 00 00 00 01}). */
    private static final byte COM_QUIT = 0x01;

    private Packets() {}

    static ByteBuf frame(ByteBufAllocator alloc, int sequence, byte[] payload) {
        ByteBuf buf = alloc.buffer(4 + payload.length);
        buf.writeMediumLE(payload.length);
        buf.writeByte(sequence);
        buf.writeBytes(payload);
        return buf;
    }

    static ByteBuf quit(ByteBufAllocator alloc) {
        return frame(alloc, 0, new byte[] {COM_QUIT});
    }
}
