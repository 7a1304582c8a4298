package io.understudy.core.frontend;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.understudy.core.backend.ServerConnector;
import io.understudy.core.relay.RelayLimits;
import io.understudy.core.session.SessionRegistry;
import io.understudy.core.transport.Transport;
import java.net.InetSocketAddress;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Binds one frontend's address and hands each accepted connection to a new {@link FrontendHandler}. Enforces the
 * frontend's {@code maxconn} HAProxy's way: at the limit it stops accepting (connections wait in the kernel's backlog)
 * and resumes when a session ends.
 */
public final class FrontendListener {
    private static final Logger LOG = LoggerFactory.getLogger(FrontendListener.class);

    private final Frontend frontend;
    private final ServerConnector connector;
    private final SessionRegistry sessions;
    private final Transport transport;
    private final AtomicInteger open = new AtomicInteger();
    private volatile Channel serverChannel;

    public FrontendListener(
            Frontend frontend, ServerConnector connector, SessionRegistry sessions, Transport transport) {
        this.frontend = frontend;
        this.connector = connector;
        this.sessions = sessions;
        this.transport = transport;
    }

    public Frontend frontend() {
        return frontend;
    }

    /**
     * Binds; blocks the calling thread (never an event loop) until bound.
     *
     * @throws BindFailedException naming the frontend and address when the bind fails
     */
    public void bind(EventLoopGroup acceptors, EventLoopGroup workers) throws BindFailedException {
        InetSocketAddress address = frontend.config().bind().resolved();
        ServerBootstrap b = new ServerBootstrap()
                .group(acceptors, workers)
                .channel(transport.serverChannel())
                .option(ChannelOption.SO_BACKLOG, 1024)
                .option(ChannelOption.SO_REUSEADDR, true)
                .handler(new AcceptGate())
                .childOption(ChannelOption.AUTO_READ, false)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.SO_KEEPALIVE, true)
                .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, RelayLimits.waterMark())
                .childOption(ChannelOption.RCVBUF_ALLOCATOR, RelayLimits.recvAllocator())
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast("frontend", new FrontendHandler(frontend, connector, sessions));
                    }
                });
        ChannelFuture f = b.bind(address).awaitUninterruptibly();
        if (!f.isSuccess()) {
            throw new BindFailedException(
                    "cannot bind frontend '" + frontend.name() + "' to "
                            + frontend.config().bind() + ": " + f.cause().getMessage(),
                    f.cause());
        }
        serverChannel = f.channel();
        frontend.status(Frontend.Status.OPEN);
        LOG.info("frontend '{}' listening on {} ({})", frontend.name(), localAddress(), transport.name());
    }

    /** The address actually bound (the port is known even when the config said 0). */
    public InetSocketAddress localAddress() {
        Channel ch = serverChannel;
        return ch == null ? frontend.config().bind().resolved() : (InetSocketAddress) ch.localAddress();
    }

    /** Stops accepting; established sessions are not touched. Blocks until the socket is closed. */
    public void unbind() {
        Channel ch = serverChannel;
        if (ch != null) {
            ch.close().awaitUninterruptibly();
            frontend.status(Frontend.Status.STOP);
            LOG.info("frontend '{}' stopped listening", frontend.name());
        }
    }

    /** Sits on the listening channel and pauses accepting while the frontend is at its maxconn. */
    @ChannelHandler.Sharable
    private final class AcceptGate extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            Channel child = (Channel) msg;
            Channel listener = ctx.channel();
            int max = frontend.config().maxconn();
            if (open.incrementAndGet() >= max && max > 0) {
                listener.config().setAutoRead(false);
                frontend.status(Frontend.Status.FULL);
                LOG.warn("frontend '{}' reached maxconn {}: accepting paused", frontend.name(), max);
            }
            child.closeFuture().addListener(cf -> {
                if (open.decrementAndGet() < max
                        && max > 0
                        && !listener.eventLoop().isShuttingDown()) {
                    // Pausing and resuming both happen on the listener's event loop, so a session closing between the
                    // count and the pause cannot leave the listener paused for good.
                    listener.eventLoop().execute(() -> {
                        if (open.get() < max
                                && listener.isOpen()
                                && !listener.config().isAutoRead()) {
                            frontend.status(Frontend.Status.OPEN);
                            listener.config().setAutoRead(true);
                        }
                    });
                }
            });
            ctx.fireChannelRead(msg);
        }
    }
}
