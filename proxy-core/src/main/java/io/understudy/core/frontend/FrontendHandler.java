package io.understudy.core.frontend;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import io.understudy.core.backend.ConnectFailedException;
import io.understudy.core.backend.Connected;
import io.understudy.core.backend.ServerConnector;
import io.understudy.core.relay.ExpectedErrors;
import io.understudy.core.relay.RelayHandler;
import io.understudy.core.relay.RelayLimits;
import io.understudy.core.session.ProxySession;
import io.understudy.core.session.SessionRegistry;
import io.understudy.core.session.SessionShutdownPolicy;
import io.understudy.core.session.TerminationCause;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Handles one accepted client until its server connection is up: registers the session, connects through the
 * backend's connector on the client's event loop, then replaces itself with the relay. The client is not read until
 * then (auto-read is off; MySQL servers speak first anyway), but bytes and a FIN the transport delivers regardless are
 * held, up to half a session's buffer limit, and passed on to the server once it is connected.
 */
final class FrontendHandler extends ChannelInboundHandlerAdapter {
    private static final Logger LOG = LoggerFactory.getLogger(FrontendHandler.class);

    private final Frontend frontend;
    private final ServerConnector connector;
    private final SessionRegistry sessions;
    private ProxySession session;
    // Bytes and a FIN the transport delivered before the relay was installed (epoll reads on RDHUP even with
    // auto-read off). Event loop only; handed to the server once connected.
    private final List<ByteBuf> early = new ArrayList<>();
    private int earlyBytes;
    private boolean earlyFin;

    FrontendHandler(Frontend frontend, ServerConnector connector, SessionRegistry sessions) {
        this.frontend = frontend;
        this.connector = connector;
        this.sessions = sessions;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        Channel client = ctx.channel();
        session = sessions.open(
                frontend.name(),
                frontend.backend().name(),
                client,
                frontend.counters(),
                frontend.backend().counters(),
                frontend.backend().config().writerRole());
        connect(ctx);
    }

    private void connect(ChannelHandlerContext ctx) {
        connector.connect(session).addListener((Future<Connected> f) -> {
            if (f.isSuccess()) {
                relay(ctx, f.getNow());
            } else {
                refuse(ctx, f.cause());
            }
        });
    }

    private void relay(ChannelHandlerContext ctx, Connected connected) {
        Channel client = ctx.channel();
        Channel server = connected.channel();
        if (!client.isActive()) {
            connected.greeting().release();
            server.close();
            connected.slot().release();
            session.terminate(TerminationCause.CLIENT_ABORTED_CONNECT, false);
            return;
        }
        session.connected(connected.slot(), server);
        session.addBytesOut(connected.greeting().readableBytes());
        client.write(connected.greeting(), client.voidPromise());
        RelayHandler[] relay = RelayHandler.pair(session, client, server);
        long clientTimeout = frontend.config().clientTimeout().toMillis();
        long serverTimeout = frontend.backend().config().serverTimeout().toMillis();
        client.pipeline()
                .addLast("idle", new IdleStateHandler(true, 0, 0, clientTimeout, TimeUnit.MILLISECONDS))
                .addLast("relay", relay[0]);
        server.pipeline()
                .addLast("idle", new IdleStateHandler(true, 0, 0, serverTimeout, TimeUnit.MILLISECONDS))
                .addLast("relay", relay[1]);
        // A frozen server is found by the first client whose login it leaves unanswered, not only by new connects.
        session.watchLogin((stalled, waited) -> connector.loginStalled(session, stalled, waited));
        for (ByteBuf b : early) {
            session.addBytesIn(b);
            server.write(b, server.voidPromise());
        }
        early.clear();
        ctx.pipeline().remove(this);
        if (earlyFin) {
            relay[0].inputShutBeforeRelay();
        } else {
            client.config().setAutoRead(true);
        }
        server.flush();
        // Flush the greeting explicitly rather than rely on the server read loop's readComplete, which does it today.
        client.flush();
        server.config().setAutoRead(true);
        // The connector re-chose if traffic moved while it connected; a move committed since then (its sweep did not
        // see this session yet) drains it here.
        SessionShutdownPolicy.drainIfMovedAway(
                session, frontend.backend(), connected.slot().server());
    }

    private void refuse(ChannelHandlerContext ctx, Throwable cause) {
        TerminationCause why =
                cause instanceof ConnectFailedException c ? c.terminationCause() : TerminationCause.INTERNAL_ERROR;
        String message = cause.getMessage();
        if (why == TerminationCause.INTERNAL_ERROR) {
            LOG.warn("[{}] connect failed unexpectedly", ctx.channel().id(), cause);
        } else if (!why.clientGone()) {
            LOG.warn("[{}] {} {}: {}", ctx.channel().id(), frontend.name(), session.clientAddress(), message);
        }
        Channel client = ctx.channel();
        if (client.isActive() && !why.clientGone()) {
            client.write(MySqlErrorPacket.encode(
                    client.alloc(), MySqlErrorPacket.ER_UNKNOWN_ERROR, "Understudy: " + message));
        }
        // Flushes the ERR packet, then closes.
        session.terminate(why, true);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof ByteBuf buf)) {
            ReferenceCountUtil.release(msg);
            return;
        }
        earlyBytes += buf.readableBytes();
        early.add(buf);
        if (session != null && session.queued()) {
            // Keep watching a queued client for its FIN or reset (bounded below by the early-bytes limit).
            ctx.read();
        }
        if (earlyBytes > RelayLimits.MAX_BUFFERED_PER_SESSION / 2) {
            // A client has no business sending this much before the server greeted it.
            LOG.warn(
                    "[{}] client sent {} bytes before a server was connected; closing",
                    ctx.channel().id(),
                    earlyBytes);
            session.terminate(TerminationCause.CLIENT_ERROR, false);
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof ChannelInputShutdownEvent) {
            earlyFin = true;
            if (session != null && session.queued()) {
                // A MySQL client that closes before its greeting will never log in: stop waiting for a slot for it.
                session.terminate(TerminationCause.CLIENT_ABORTED_QUEUE, false);
            }
            return;
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        early.forEach(ReferenceCountUtil::release);
        early.clear();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (ExpectedErrors.isExpected(cause)) {
            LOG.debug("[{}] client error before connect: {}", ctx.channel().id(), cause.toString());
        } else {
            LOG.warn("[{}] client error before connect", ctx.channel().id(), cause);
        }
        if (session != null) {
            session.terminate(TerminationCause.CLIENT_ERROR, false);
        } else {
            ctx.close();
        }
    }
}
