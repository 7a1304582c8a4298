package io.understudy.core.relay;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.DuplexChannel;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;
import io.understudy.core.session.ProxySession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Copies what one side of a session sends to the other side, byte for byte. One instance per side; both sides share
 * an event loop, so the fields are plain.
 *
 * <p>Backpressure: when the peer has more than {@link RelayLimits#HIGH_WATER} bytes queued, this side stops reading;
 * the peer's handler resumes it when the queue drains. Half-close: a FIN from this side is passed on as a FIN to the
 * peer once everything before it was written; the session closes when both directions are shut. Idle: an
 * {@link IdleStateEvent} ends the session with this side's timeout cause, unless this side is only paused by
 * backpressure with nothing of its own waiting to be written (then the peer is the slow one and its own timeout
 * applies); when neither peer reads, both sides have output stuck and the first timeout ends the session.
 */
public final class RelayHandler extends ChannelInboundHandlerAdapter {
    private static final Logger LOG = LoggerFactory.getLogger(RelayHandler.class);

    private final ProxySession session;
    private final Side side;
    private final Channel peer;
    private RelayHandler peerHandler;
    private boolean inputShut;

    private RelayHandler(ProxySession session, Side side, Channel peer) {
        this.session = session;
        this.side = side;
        this.peer = peer;
    }

    /** Creates the two linked handlers for a session: [0] reads the client, [1] reads the server. */
    public static RelayHandler[] pair(ProxySession session, Channel client, Channel server) {
        RelayHandler fromClient = new RelayHandler(session, Side.CLIENT, server);
        RelayHandler fromServer = new RelayHandler(session, Side.SERVER, client);
        fromClient.peerHandler = fromServer;
        fromServer.peerHandler = fromClient;
        return new RelayHandler[] {fromClient, fromServer};
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof ByteBuf buf)) {
            ReferenceCountUtil.release(msg);
            return;
        }
        int n = buf.readableBytes();
        if (side == Side.CLIENT) {
            session.addBytesIn(buf);
        } else {
            session.addBytesOut(n);
        }
        if (!peer.isActive()) {
            buf.release();
            return;
        }
        peer.write(buf, peer.voidPromise());
        if (!peer.isWritable()) {
            ctx.channel().config().setAutoRead(false);
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        peer.flush();
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        // Our channel drained below the low water mark: the peer may be read again.
        if (ctx.channel().isWritable() && peer.isActive()) {
            peer.config().setAutoRead(true);
        }
        ctx.fireChannelWritabilityChanged();
    }

    /**
     * The client sent its FIN before the relay was installed: pass it on now, as if it had arrived here. Only for the
     * client side's handler, right after installation.
     */
    public void inputShutBeforeRelay() {
        inputShut = true;
        peer.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(f -> {
            if (peer instanceof DuplexChannel d && peer.isActive()) {
                d.shutdownOutput();
            }
        });
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof ChannelInputShutdownEvent) {
            inputShut = true;
            if (peerHandler.inputShut) {
                // Both directions are shut; the peer shut first, so its side ended the session.
                session.terminate(peerHandler.side.closed, true);
            } else if (!peer.isActive()) {
                session.terminate(side.closed, true);
            } else {
                // Pass the FIN on after everything this side sent before it.
                peer.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(f -> {
                    if (peer instanceof DuplexChannel d && peer.isActive()) {
                        d.shutdownOutput();
                    }
                });
            }
            return;
        }
        if (evt instanceof IdleStateEvent) {
            // This side was idle for its timeout. If we only paused reading it because its peer is full, and it has
            // nothing of its own stuck on the way out, it is waiting on the peer, whose own timeout applies. Otherwise
            // (it was being read, or its output is not draining either) it is the one stuck.
            if (ctx.channel().config().isAutoRead() || pendingOutput(ctx.channel()) > 0) {
                LOG.debug("[{}] {} idle timeout", ctx.channel().id(), side);
                session.terminate(side.timeout, false);
            }
            return;
        }
        ctx.fireUserEventTriggered(evt);
    }

    private static long pendingOutput(Channel ch) {
        io.netty.channel.ChannelOutboundBuffer out = ch.unsafe().outboundBuffer();
        return out == null ? 0 : out.totalPendingWriteBytes();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        session.terminate(side.closed, true);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (ExpectedErrors.isExpected(cause)) {
            LOG.debug("[{}] {} connection error: {}", ctx.channel().id(), side, cause.toString());
        } else {
            LOG.warn(
                    "[{}] session {} {} side: unexpected error {} <-> {}",
                    ctx.channel().id(),
                    session.id(),
                    side,
                    ctx.channel().remoteAddress(),
                    peer.remoteAddress(),
                    cause);
        }
        session.terminate(side.error, false);
    }
}
