package io.understudy.admin.peers;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.netty.handler.codec.LengthFieldPrepender;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import io.understudy.core.config.HostPort;
import io.understudy.core.transport.Transport;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.LongFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This proxy's link to its peer: dials, reads the peer's challenge, then sends signed messages. Reconnects with a
 * backoff from 100 ms to 5 s; logs when the link goes up or down and when the peer refuses a message, not at every
 * retry. Everything runs on one event loop, so no field needs a lock.
 */
final class PeerLink {
    private static final Logger LOG = LoggerFactory.getLogger(PeerLink.class);
    private static final long MIN_BACKOFF_MS = 100;
    private static final long MAX_BACKOFF_MS = 5_000;
    /** The peer only ever sends a challenge or a refusal: short lines. */
    private static final int MAX_REPLY = 1024;

    private static final int CONNECT_TIMEOUT_MS = 1000;

    private final String name;
    private final HostPort address;
    private final EventLoop loop;
    private final Transport transport;
    private final PeerAuth auth;
    private Channel channel;
    private byte[] challenge;
    private long seq;
    private long backoffMs = MIN_BACKOFF_MS;
    private boolean closed;
    private java.util.concurrent.ScheduledFuture<?> retry;
    private boolean up;
    private boolean announced;
    private String lastDown = "";
    private String lastRefusal = "";
    private final Consumer<PeerLink> onUp;
    private final long silentMillis;

    PeerLink(
            String name,
            HostPort address,
            EventLoop loop,
            Transport transport,
            PeerAuth auth,
            Consumer<PeerLink> onUp,
            long silentMillis) {
        this.name = name;
        this.address = address;
        this.loop = loop;
        this.transport = transport;
        this.auth = auth;
        this.onUp = onUp;
        this.silentMillis = silentMillis;
    }

    String name() {
        return name;
    }

    /** Whether the peer accepted a message on the current connection. Event loop only. */
    boolean up() {
        return announced;
    }

    void start() {
        loop.execute(this::connect);
    }

    private void connect() {
        if (closed) {
            return;
        }
        Bootstrap b = new Bootstrap()
                .group(loop)
                .channel(transport.socketChannel())
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, CONNECT_TIMEOUT_MS)
                .option(ChannelOption.TCP_NODELAY, true)
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline()
                                .addLast(new IdleStateHandler(silentMillis, 0, 0, TimeUnit.MILLISECONDS))
                                .addLast(new LengthFieldBasedFrameDecoder(MAX_REPLY, 0, 4, 0, 4))
                                .addLast(new LengthFieldPrepender(4))
                                .addLast(new Replies());
                    }
                });
        ChannelFuture f = b.connect(address.resolved());
        Channel ch = f.channel();
        channel = ch;
        // A failed connect closes the channel too: the close is the one place that schedules the next attempt.
        ch.closeFuture()
                .addListener(done -> down(
                        f.isDone() && !f.isSuccess()
                                ? "cannot connect: " + f.cause().getMessage()
                                : "connection closed"));
    }

    /** Sends {@code message} with the next sequence number, if the link is up. Event loop only. */
    void send(LongFunction<PeerMessage> message) {
        if (!up || channel == null || !channel.isWritable()) {
            // Not writable: the peer is not reading; the next heartbeat sends the latest state anyway.
            return;
        }
        byte[] bytes = message.apply(++seq).encode();
        byte[] sig = auth.sign(challenge, bytes);
        channel.writeAndFlush(Unpooled.wrappedBuffer(bytes, sig));
    }

    private void down(String why) {
        boolean wasUp = announced;
        up = false;
        announced = false;
        challenge = null;
        if (closed) {
            return;
        }
        if (wasUp || (!why.equals(lastDown) && !lastDown.equals("refused"))) {
            LOG.warn(
                    "peer {} ({}): link down ({}); retrying every {}s at most",
                    name,
                    address,
                    why,
                    MAX_BACKOFF_MS / 1000);
        }
        lastDown = why;
        long wait = backoffMs;
        backoffMs = Math.min(MAX_BACKOFF_MS, backoffMs * 2);
        retry = loop.schedule(this::connect, wait, TimeUnit.MILLISECONDS);
    }

    /**
     * The peer just reached us: it is up, so a retry waiting out its backoff goes now. A restarted proxy then gets the
     * peer's state within moments instead of after the peer's backoff (up to 5 s). Event loop only.
     */
    void kick() {
        if (closed || (channel != null && channel.isOpen()) || retry == null || retry.isDone()) {
            return;
        }
        retry.cancel(false);
        backoffMs = MIN_BACKOFF_MS;
        connect();
    }

    void close() {
        loop.execute(() -> {
            closed = true;
            if (channel != null) {
                channel.close();
            }
        });
    }

    /** The peer's challenge, or a refusal of one of our messages. */
    private final class Replies extends SimpleChannelInboundHandler<ByteBuf> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, ByteBuf frame) {
            String text = frame.toString(StandardCharsets.UTF_8).trim();
            String prefix = PeerMessage.MAGIC + "\nchallenge ";
            if (challenge == null && text.startsWith(prefix)) {
                try {
                    challenge = ByteBufUtil.decodeHexDump(
                            text.substring(prefix.length()).trim());
                } catch (IllegalArgumentException e) {
                    ctx.close();
                    return;
                }
                if (challenge.length != PeerAuth.CHALLENGE_BYTES) {
                    ctx.close();
                    return;
                }
                seq = 0;
                up = true;
                onUp.accept(PeerLink.this);
            } else if (text.equals("ok")) {
                // the peer took a message: the link is alive (the idle handler counts this read)
            } else if (text.equals("accepted")) {
                if (!announced) {
                    announced = true;
                    backoffMs = MIN_BACKOFF_MS;
                    lastDown = "";
                    lastRefusal = "";
                    LOG.info("peer {} ({}): link up", name, address);
                }
            } else if (text.startsWith("refused ")) {
                String why = text.substring("refused ".length());
                // Once per reason: a wrong secret would otherwise log at every retry.
                if (!why.equals(lastRefusal)) {
                    LOG.warn(
                            "peer {} ({}) refused our message: {}; retrying every {}s at most",
                            name,
                            address,
                            why,
                            MAX_BACKOFF_MS / 1000);
                }
                lastRefusal = why;
                lastDown = "refused";
                ctx.close();
            } else {
                // A reply this release does not know (a newer peer): ignored, the messages still go.
                LOG.debug(
                        "peer {} ({}): unknown reply ignored: {}",
                        name,
                        address,
                        text.length() > 80 ? text.substring(0, 80) : text);
            }
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt instanceof IdleStateEvent) {
                // No answer to our messages for several intervals: the peer or the path is gone.
                lastDown = "";
                ctx.close();
            } else {
                ctx.fireUserEventTriggered(evt);
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }
}
