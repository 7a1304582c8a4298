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
import io.netty.channel.ServerChannel;
import io.understudy.core.backend.ServerConnector;
import io.understudy.core.relay.RelayLimits;
import io.understudy.core.session.SessionRegistry;
import io.understudy.core.transport.Transport;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
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
    private final SessionBudget budget;
    private volatile Channel serverChannel;
    /** What {@link #bind} used, to listen again after a pause. */
    private ServerBootstrap bootstrap;

    private InetSocketAddress address;
    /** Set by an operator through the control plane's events; guarded by this. */
    private boolean paused;

    private boolean stopped;
    private ChannelFuture closing;
    /** Accept errors: logged once per interval, on the listener's loop only. */
    private static final long ACCEPT_ERROR_LOG_NANOS = TimeUnit.SECONDS.toNanos(10);

    private long lastAcceptErrorLog = System.nanoTime() - ACCEPT_ERROR_LOG_NANOS;
    private long acceptErrors;

    public FrontendListener(
            Frontend frontend,
            ServerConnector connector,
            SessionRegistry sessions,
            Transport transport,
            SessionBudget budget) {
        this.frontend = frontend;
        this.connector = connector;
        this.sessions = sessions;
        this.transport = transport;
        this.budget = budget;
        budget.register(this);
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
        ServerBootstrap b = bootstrap(acceptors, workers).channel(transport.serverChannel());
        ChannelFuture f = b.bind(address).awaitUninterruptibly();
        if (!f.isSuccess()) {
            throw new BindFailedException(
                    "cannot bind frontend '" + frontend.name() + "' to "
                            + frontend.config().bind() + ": " + f.cause().getMessage(),
                    f.cause());
        }
        listening(b, f.channel(), "listening on");
    }

    /**
     * Listens on a socket another process bound and handed over (an upgrade: {@code understudy -x}), instead of
     * binding: the socket was never closed, so no connection is refused across the swap. Blocks until registered.
     *
     * @param inherited an unregistered server channel over the received descriptor, bound to this frontend's address
     */
    public void adopt(EventLoopGroup acceptors, EventLoopGroup workers, Channel inherited) throws BindFailedException {
        // Pausing and resuming later binds again, with a bootstrap of the usual kind.
        ServerBootstrap b = bootstrap(acceptors, workers).channel(transport.serverChannel());
        ChannelFuture f = bootstrap(acceptors, workers)
                .channelFactory(() -> (ServerChannel) inherited)
                .register()
                .awaitUninterruptibly();
        if (!f.isSuccess()) {
            throw new BindFailedException(
                    "cannot listen on the socket of frontend '" + frontend.name() + "' handed over by the old process: "
                            + f.cause().getMessage(),
                    f.cause());
        }
        listening(b, f.channel(), "took over the listening socket on");
    }

    private void listening(ServerBootstrap b, Channel ch, String how) {
        serverChannel = ch;
        this.bootstrap = b;
        // The port actually bound: a config that says 0 must get the same port back after a pause.
        this.address = (InetSocketAddress) serverChannel.localAddress();
        frontend.status(Frontend.Status.OPEN);
        LOG.info("frontend '{}' {} {} ({})", frontend.name(), how, localAddress(), transport.name());
    }

    /**
     * This frontend's listening socket, for a new process taking over ({@code _getsocks}); empty when it is not
     * listening (disabled, shut down) or the transport has no descriptors (NIO).
     */
    public java.util.Optional<io.netty.channel.unix.FileDescriptor> descriptor() {
        Channel ch = serverChannel;
        if (ch instanceof io.netty.channel.unix.UnixChannel u && ch.isOpen()) {
            return java.util.Optional.of(u.fd());
        }
        return java.util.Optional.empty();
    }

    private ServerBootstrap bootstrap(EventLoopGroup acceptors, EventLoopGroup workers) {
        ServerBootstrap b = new ServerBootstrap()
                .group(acceptors, workers)
                .option(ChannelOption.SO_BACKLOG, 1024)
                .option(ChannelOption.SO_REUSEADDR, true)
                .handler(new AcceptGate())
                // No TCP_NODELAY here: Netty's socket config sets it on every channel it creates, and asking again
                // cost a second setsockopt per connection.
                .childOption(ChannelOption.AUTO_READ, false)
                .childOption(ChannelOption.SO_KEEPALIVE, true)
                .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, RelayLimits.waterMark())
                .childOption(ChannelOption.RCVBUF_ALLOCATOR, RelayLimits.recvAllocator())
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        if (frontend.config().acceptProxy()) {
                            ProxyHeaderDecoder decoder = new ProxyHeaderDecoder();
                            ch.pipeline()
                                    .addLast("proxy-header", decoder)
                                    .addLast(
                                            "accept-proxy",
                                            new AcceptProxyHandler(
                                                    frontend,
                                                    decoder,
                                                    () -> new FrontendHandler(frontend, connector, sessions)));
                        } else {
                            ch.pipeline().addLast("frontend", new FrontendHandler(frontend, connector, sessions));
                        }
                    }
                });
        if (!"epoll".equals(transport.name())) {
            // NIO accepts a whole batch (16) before it hands any to the pipeline, so a pause at maxconn or at the
            // descriptor budget would come 15 connections late: one accept per read instead. Epoll hands each
            // connection over as it accepts it, and stops as soon as accepting is paused.
            b.option(
                    ChannelOption.RCVBUF_ALLOCATOR,
                    new io.netty.channel.ServerChannelRecvByteBufAllocator().maxMessagesPerRead(1));
        }
        return b;
    }

    /**
     * {@code disable frontend}: stops listening, so that new connections are refused at once (HAProxy pauses its
     * listener the same way); established sessions are not touched. Never blocks.
     */
    public synchronized void pause() {
        Channel ch = serverChannel;
        if (ch == null || stopped) {
            return;
        }
        paused = true;
        frontend.status(Frontend.Status.PAUSED);
        closing = ch.close();
        LOG.warn("frontend '{}' disabled: new connections are refused", frontend.name());
    }

    /**
     * {@code enable frontend}: listens again on the same address, once the pause's close is done; a bind that fails
     * (another process took the port meanwhile) is logged and tried again every second while the frontend is enabled.
     * Never blocks.
     */
    public synchronized void resume() {
        if (!paused || stopped || bootstrap == null) {
            return;
        }
        paused = false;
        ChannelFuture before = closing;
        if (before == null) {
            rebind();
        } else {
            before.addListener(f -> rebind());
        }
    }

    /** {@code shutdown frontend}: stops listening until the process restarts. Never blocks. */
    public synchronized void shutdown() {
        stopped = true;
        frontend.status(Frontend.Status.STOP);
        Channel ch = serverChannel;
        if (ch != null && ch.isOpen()) {
            ch.close();
        }
        LOG.warn("frontend '{}' shut down: it listens again only after a restart", frontend.name());
    }

    /** Accepts again if a new maxconn, or a new process limit, leaves room; pauses if it does not. Never blocks. */
    public void recheck() {
        Channel ch = serverChannel;
        if (ch != null && ch.isOpen() && !ch.eventLoop().isShuttingDown()) {
            ch.eventLoop().execute(() -> {
                if (room()) {
                    resumeOnLoop(ch);
                } else {
                    pauseOnLoopIfNoRoom(ch);
                }
            });
        }
    }

    private synchronized void rebind() {
        if (paused || stopped) {
            return;
        }
        bootstrap.bind(address).addListener((ChannelFuture f) -> {
            synchronized (FrontendListener.this) {
                if (f.isSuccess()) {
                    if (paused || stopped) {
                        f.channel().close();
                        return;
                    }
                    serverChannel = f.channel();
                    closing = null;
                    frontend.status(Frontend.Status.OPEN);
                    LOG.warn("frontend '{}' enabled: listening on {} again", frontend.name(), localAddress());
                } else {
                    LOG.error(
                            "frontend '{}': cannot listen on {} again ({}); trying again in 1s",
                            frontend.name(),
                            address,
                            f.cause().getMessage());
                    f.channel().eventLoop().schedule(this::rebind, 1, TimeUnit.SECONDS);
                }
            }
        });
    }

    /** The address actually bound (the port is known even when the config said 0). */
    public InetSocketAddress localAddress() {
        Channel ch = serverChannel;
        return ch == null ? frontend.config().bind().resolved() : (InetSocketAddress) ch.localAddress();
    }

    /** Stops accepting; established sessions are not touched. Blocks until the socket is closed. */
    public void unbind() {
        synchronized (this) {
            // No rebind after this (an enable racing the engine's stop).
            stopped = true;
        }
        Channel ch = serverChannel;
        if (ch != null) {
            ch.close().awaitUninterruptibly();
            frontend.status(Frontend.Status.STOP);
            LOG.info("frontend '{}' stopped listening", frontend.name());
        }
    }

    /** The process's descriptor budget is spent: stop accepting (decided on the listener's loop). */
    void pauseForBudget() {
        Channel ch = serverChannel;
        if (ch != null && !ch.eventLoop().isShuttingDown()) {
            ch.eventLoop().execute(() -> pauseOnLoopIfNoRoom(ch));
        }
    }

    /** The connection rate limit was reached: accept again when the current second is over. */
    void pauseForRate(long nanos) {
        Channel ch = serverChannel;
        if (ch != null && !ch.eventLoop().isShuttingDown()) {
            ch.eventLoop().execute(() -> pauseOnLoopIfNoRoom(ch));
            ch.eventLoop().schedule(() -> resumeOnLoop(ch), nanos, TimeUnit.NANOSECONDS);
        }
    }

    /** A session ended somewhere: accept again if this frontend's maxconn and the process's budget both have room. */
    void resumeIfRoom() {
        Channel ch = serverChannel;
        if (ch != null && !ch.eventLoop().isShuttingDown() && !ch.config().isAutoRead()) {
            ch.eventLoop().execute(() -> resumeOnLoop(ch));
        }
    }

    private boolean full() {
        int max = frontend.maxconn();
        return max > 0 && open.get() >= max;
    }

    private boolean room() {
        return !full() && !budget.spent() && budget.rateAllows();
    }

    /**
     * Listener's loop only. Stops accepting when there is no room, then looks again: a session that ended between the
     * look and the pause saw the listener still accepting and asked for no resume, so the pause must not outlive it.
     */
    private void pauseOnLoopIfNoRoom(Channel ch) {
        if (room() || !ch.isOpen()) {
            return;
        }
        ch.config().setAutoRead(false);
        if (room()) {
            resumeOnLoop(ch);
        }
    }

    /** Listener's loop only: pausing and resuming both happen there. */
    private void resumeOnLoop(Channel ch) {
        if (room() && ch.isOpen() && !ch.config().isAutoRead()) {
            frontend.status(Frontend.Status.OPEN);
            ch.config().setAutoRead(true);
        }
    }

    /**
     * Sits on the listening channel and pauses accepting while the frontend is at its maxconn or the process's
     * descriptor budget is spent; both are decided before the next accept, on the listener's loop.
     */
    @ChannelHandler.Sharable
    private final class AcceptGate extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            Channel child = (Channel) msg;
            Channel listener = ctx.channel();
            int max = frontend.maxconn();
            if (open.incrementAndGet() >= max && max > 0) {
                frontend.status(Frontend.Status.FULL);
                LOG.warn("frontend '{}' reached maxconn {}: accepting paused", frontend.name(), max);
            }
            budget.take();
            child.closeFuture().addListener(cf -> {
                open.decrementAndGet();
                budget.release();
                resumeIfRoom();
            });
            // At once, not in a task: the transport may accept a whole batch before a task runs.
            pauseOnLoopIfNoRoom(listener);
            ctx.fireChannelRead(msg);
        }

        /**
         * An accept failed (EMFILE, ENFILE, ENOBUFS: the descriptor budget was not enough, or another process took the
         * system's). Netty's acceptor would log a stack trace and accept again after a second whatever the limits;
         * here accepting pauses for that second, then resumes only where there is room, with one line per interval.
         */
        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            if (!(cause instanceof java.io.IOException)) {
                ctx.fireExceptionCaught(cause);
                return;
            }
            Channel listener = ctx.channel();
            listener.config().setAutoRead(false);
            long now = System.nanoTime();
            if (now - lastAcceptErrorLog >= ACCEPT_ERROR_LOG_NANOS) {
                lastAcceptErrorLog = now;
                LOG.warn(
                        "frontend '{}': accept failed ({}): accepting again in 1s ({} more since the last such line)",
                        frontend.name(),
                        cause.getMessage(),
                        acceptErrors);
                acceptErrors = 0;
            } else {
                acceptErrors++;
            }
            listener.eventLoop().schedule(() -> resumeOnLoop(listener), 1, TimeUnit.SECONDS);
        }
    }
}
