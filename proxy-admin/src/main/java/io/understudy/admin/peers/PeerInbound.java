package io.understudy.admin.peers;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.timeout.IdleStateEvent;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Set;

/**
 * One connection from the peer, on the listening side: sends a fresh challenge, then checks every message (signature
 * over the challenge, increasing sequence number, a known sender) before handing it to {@link PeerSync}. Anything
 * wrong closes the connection with a one-line reason, which the sender logs; the state in force is untouched.
 */
final class PeerInbound extends SimpleChannelInboundHandler<ByteBuf> {
    private final PeerAuth auth;
    private final PeerSync sync;
    private final Set<String> senders;
    private final int maxMessage;
    private final byte[] challenge = PeerAuth.newChallenge();
    private long lastSeq;
    private String from;

    PeerInbound(PeerAuth auth, PeerSync sync, Set<String> senders, int maxMessage) {
        this.auth = auth;
        this.sync = sync;
        this.senders = senders;
        this.maxMessage = maxMessage;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        String hello = PeerMessage.MAGIC + "\nchallenge " + ByteBufUtil.hexDump(challenge) + "\n";
        ctx.writeAndFlush(Unpooled.copiedBuffer(hello, StandardCharsets.UTF_8));
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, ByteBuf frame) {
        int n = frame.readableBytes();
        if (n <= PeerAuth.MAC_BYTES) {
            refuse(ctx, "message too short to carry a signature");
            return;
        }
        byte[] message = new byte[n - PeerAuth.MAC_BYTES];
        byte[] signature = new byte[PeerAuth.MAC_BYTES];
        frame.readBytes(message).readBytes(signature);
        if (!auth.verify(challenge, message, signature)) {
            refuse(ctx, "bad signature (is peers.secret the same on both proxies?)");
            return;
        }
        PeerMessage m;
        try {
            m = PeerMessage.decode(message);
        } catch (PeerProtocolException e) {
            refuse(ctx, "malformed message: " + e.getMessage());
            return;
        }
        if (m.seq() <= lastSeq) {
            refuse(ctx, "replayed or reordered message (seq " + m.seq() + " after " + lastSeq + ")");
            return;
        }
        if (!senders.contains(m.from())) {
            refuse(ctx, "unknown peer name '" + m.from() + "' (peers.members: " + String.join(", ", senders) + ")");
            return;
        }
        if (from != null && !from.equals(m.from())) {
            refuse(ctx, "sender changed name from " + from + " to " + m.from());
            return;
        }
        lastSeq = m.seq();
        if (from == null) {
            from = m.from();
            sync.inboundUp(from, remote(ctx));
            ctx.writeAndFlush(Unpooled.copiedBuffer("accepted", StandardCharsets.UTF_8));
        } else {
            // One short answer per message: the sender's proof that the link still carries its messages.
            ctx.writeAndFlush(Unpooled.copiedBuffer("ok", StandardCharsets.UTF_8));
        }
        sync.received(m);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof IdleStateEvent) {
            // The peer sends at least every interval: silence this long means the link is dead (or the peer frozen).
            ctx.close();
        } else {
            ctx.fireUserEventTriggered(evt);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (from != null) {
            sync.inboundDown(from);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof TooLongFrameException) {
            refuse(ctx, "message over peers.max-message (" + maxMessage + " bytes)");
        } else {
            ctx.close();
        }
    }

    private void refuse(ChannelHandlerContext ctx, String why) {
        sync.refused(remote(ctx), why);
        ByteBuf text = Unpooled.copiedBuffer("refused " + why + "\n", StandardCharsets.UTF_8);
        ctx.writeAndFlush(text).addListener(ChannelFutureListener.CLOSE);
    }

    private static String remote(ChannelHandlerContext ctx) {
        if (ctx.channel().remoteAddress() instanceof InetSocketAddress a) {
            return a.getAddress().getHostAddress() + ":" + a.getPort();
        }
        return String.valueOf(ctx.channel().remoteAddress());
    }
}
