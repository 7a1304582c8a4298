package io.understudy.checks.mysql;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.util.List;

/**
 * Frames the server's bytes into {@link MySqlPacket}s (3-byte little-endian length, 1-byte sequence id, payload). A
 * length of 0 or above {@link #MAX_PAYLOAD} yields {@link FramingError#INVALID_LENGTH} and every later byte is dropped;
 * a connection that ends inside a packet yields {@link FramingError#TRUNCATED}. Buffer handling is Netty's: the
 * cumulation is released when the channel closes.
 */
final class MySqlPacketDecoder extends ByteToMessageDecoder {
    /**
     * Far above any packet of a login (greetings, error packets and a 4096-bit RSA public key in PEM are each under
     * 1 KiB), and small enough that text from a non-MySQL server, read as a length, fails at once.
     */
    static final int MAX_PAYLOAD = 16 * 1024;

    private static final int HEADER = 4;

    /** Event-loop-owned, like all decoder state. */
    private boolean failed;

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (failed) {
            in.skipBytes(in.readableBytes());
            return;
        }
        while (in.readableBytes() >= HEADER) {
            int length = in.getUnsignedMediumLE(in.readerIndex());
            if (length == 0 || length > MAX_PAYLOAD) {
                failed = true;
                in.skipBytes(in.readableBytes());
                out.add(FramingError.INVALID_LENGTH);
                return;
            }
            if (in.readableBytes() < HEADER + length) {
                return;
            }
            in.skipBytes(3);
            int sequence = in.readUnsignedByte();
            byte[] payload = new byte[length];
            in.readBytes(payload);
            out.add(new MySqlPacket(sequence, payload));
        }
    }

    @Override
    protected void decodeLast(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) throws Exception {
        super.decodeLast(ctx, in, out);
        if (!failed && in.isReadable()) {
            failed = true;
            in.skipBytes(in.readableBytes());
            out.add(FramingError.TRUNCATED);
        }
    }
}
