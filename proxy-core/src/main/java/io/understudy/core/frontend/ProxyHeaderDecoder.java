package io.understudy.core.frontend;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.haproxy.HAProxyMessageDecoder;

/**
 * Netty's PROXY protocol decoder (v1 and v2, told apart by the first bytes), remembering whether the connection sent
 * anything at all: a connection closed before its first byte is a load balancer's TCP check or a port scan, not a
 * client that failed to speak. Removes itself once the header is read, passing on whatever followed it. Event loop
 * only.
 */
final class ProxyHeaderDecoder extends HAProxyMessageDecoder {
    private boolean received;

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        if (msg instanceof ByteBuf b && b.isReadable()) {
            received = true;
        }
        super.channelRead(ctx, msg);
    }

    /** Whether any byte has arrived. */
    boolean received() {
        return received;
    }
}
