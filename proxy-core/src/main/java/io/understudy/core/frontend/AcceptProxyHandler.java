package io.understudy.core.frontend;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.handler.codec.haproxy.HAProxyCommand;
import io.netty.handler.codec.haproxy.HAProxyMessage;
import io.netty.handler.codec.haproxy.HAProxyProtocolException;
import io.netty.handler.codec.haproxy.HAProxyProxiedProtocol;
import io.netty.util.NetUtil;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import io.understudy.core.proxyprotocol.ClientAddresses;
import io.understudy.core.relay.ExpectedErrors;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * HAProxy's {@code accept-proxy}: a connection to the frontend first says, in a PROXY protocol header (v1 or v2, read
 * by the {@link ProxyHeaderDecoder} in front of this handler), who the client really is; only then does it become a
 * session, whose client is the header's source address (session log, {@code show sess}, and the header a {@code
 * send-proxy} server gets). A {@code LOCAL} or {@code UNKNOWN} header (the load balancer's own connection, a health
 * check) keeps the connection's own addresses, as HAProxy does.
 *
 * <p>A header that is malformed, does not arrive whole within {@code timeout client} (HAProxy's limit for it too), or
 * is cut short by a close ends the connection with a log line, counted as a request error ({@code ereq}); no session
 * is opened for it. A connection that closes without sending a byte is a load balancer's TCP check or a port scan:
 * logged at debug only and not counted, as HAProxy's {@code dontlognull} treats it. Event loop only; its fields are
 * plain.
 */
final class AcceptProxyHandler extends ChannelInboundHandlerAdapter {
    private static final Logger LOG = LoggerFactory.getLogger(AcceptProxyHandler.class);

    private final Frontend frontend;
    private final ProxyHeaderDecoder decoder;
    private final Supplier<ChannelHandler> next;
    private ScheduledFuture<?> timer;
    /** The header was read, or the connection refused: nothing more to decide. */
    private boolean done;
    /** The connection was refused: whatever still comes its way (bytes, the decoder's errors) is dropped. */
    private boolean refused;

    /**
     * @param decoder the decoder in front of this handler, asked whether anything arrived at all
     * @param next the handler that takes the connection on as a session once the header is read
     */
    AcceptProxyHandler(Frontend frontend, ProxyHeaderDecoder decoder, Supplier<ChannelHandler> next) {
        this.frontend = frontend;
        this.decoder = decoder;
        this.next = next;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        long timeout = frontend.config().clientTimeout().toMillis();
        timer = ctx.executor()
                .schedule(
                        () -> refuse(
                                ctx,
                                true,
                                "no whole PROXY protocol header within " + timeout + "ms (timeout client); closing"),
                        timeout,
                        TimeUnit.MILLISECONDS);
        // Not passed on: the connection is no session until its header is read. The decoder reads on from here.
        ctx.read();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (done || !(msg instanceof HAProxyMessage header)) {
            // Nothing else comes before the header; after a refusal, what the closing decoder still passes on.
            ReferenceCountUtil.release(msg);
            return;
        }
        try {
            accepted(ctx, header);
        } finally {
            header.release();
        }
    }

    private void accepted(ChannelHandlerContext ctx, HAProxyMessage header) {
        done = true;
        cancelTimer();
        HAProxyProxiedProtocol p = header.proxiedProtocol();
        if (header.command() == HAProxyCommand.PROXY
                && (p == HAProxyProxiedProtocol.TCP4 || p == HAProxyProxiedProtocol.TCP6)) {
            ClientAddresses.proxied(
                    ctx.channel(),
                    new ClientAddresses(
                            address(header.sourceAddress(), header.sourcePort()),
                            address(header.destinationAddress(), header.destinationPort())));
        }
        LOG.debug(
                "[{}] {} PROXY {} {}: client {}",
                ctx.channel().id(),
                frontend.name(),
                header.protocolVersion(),
                header.command(),
                ClientAddresses.of(ctx.channel()).source());
        ctx.pipeline().addAfter(ctx.name(), "frontend", next.get());
        ctx.fireChannelActive();
        ctx.pipeline().remove(this);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (!done && evt instanceof ChannelInputShutdownEvent) {
            closedEarly(ctx);
            return;
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (!done) {
            closedEarly(ctx);
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (refused) {
            // The decoder reads on through what it still holds as the channel closes, and fails again: already told.
            LOG.debug("[{}] after the refusal: {}", ctx.channel().id(), cause.toString());
        } else if (done) {
            ctx.fireExceptionCaught(cause);
        } else if (cause instanceof HAProxyProtocolException) {
            Throwable root = cause;
            while (root.getCause() != null) {
                root = root.getCause();
            }
            refuse(ctx, true, "not a valid PROXY protocol header (" + root.getMessage() + "); closing");
        } else if (ExpectedErrors.isExpected(cause)) {
            refuse(ctx, decoder.received(), "connection error before its PROXY protocol header: " + cause);
        } else {
            LOG.warn(
                    "[{}] error before the PROXY protocol header", ctx.channel().id(), cause);
            refuse(ctx, true, "error before its PROXY protocol header (" + cause + "); closing");
        }
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        cancelTimer();
    }

    /** The timer is armed once the connection is active; an error may come before that. */
    private void cancelTimer() {
        if (timer != null) {
            timer.cancel(false);
        }
    }

    private void closedEarly(ChannelHandlerContext ctx) {
        refuse(
                ctx,
                decoder.received(),
                decoder.received()
                        ? "closed in the middle of its PROXY protocol header"
                        : "closed before sending a PROXY protocol header");
    }

    /** Ends a connection that gave no valid header; {@code counted} ones are request errors and logged. */
    private void refuse(ChannelHandlerContext ctx, boolean counted, String why) {
        if (done) {
            return;
        }
        done = true;
        refused = true;
        cancelTimer();
        if (counted) {
            frontend.counters().requestError();
            LOG.warn(
                    "[{}] {} {}: {}; closed",
                    ctx.channel().id(),
                    frontend.name(),
                    ctx.channel().remoteAddress(),
                    why);
        } else {
            LOG.debug(
                    "[{}] {} {}: {}",
                    ctx.channel().id(),
                    frontend.name(),
                    ctx.channel().remoteAddress(),
                    why);
        }
        ctx.close();
    }

    private static InetSocketAddress address(String ip, int port) {
        // A literal from the decoder, which has validated it: no name lookup.
        InetAddress a = NetUtil.createInetAddressFromIpAddressString(ip);
        return new InetSocketAddress(a, port);
    }
}
