package io.understudy.admin.metrics;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.ScheduledFuture;
import io.understudy.admin.AdminContext;
import io.understudy.core.frontend.BindFailedException;
import io.understudy.core.transport.Transport;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The proxy's own HTTP server for Prometheus and health checkers: {@code GET <path>} (default {@code /metrics}) serves
 * {@link ProxyMetrics} (OpenMetrics or the Prometheus text format, by content negotiation; {@code ?scope=} and {@code
 * ?no-maint} as HAProxy's exporter; HEAD too), {@code GET /health} the {@link HealthVerdict}. It runs on its own
 * one-thread event loop, so a scrape, however large, never runs on, waits for or locks anything of the relay's event
 * loops; the same thread samples the duration histograms every {@link ProxyMetrics#SAMPLE_INTERVAL}.
 *
 * <pre>{@code
 * MetricsServer metrics = new MetricsServer(MetricsSettings.from(config.metrics().get()), adminContext);
 * metrics.start();   // after the health checker and engine are started; binds, or throws
 * ...
 * metrics.close();   // before the engine stops
 * }</pre>
 */
public final class MetricsServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(MetricsServer.class);
    /** Longer than any sane scrape interval, so Prometheus keeps its connection; short enough to free idle slots. */
    static final int IDLE_SECONDS = 120;
    /** A GET has no body; the aggregator only has to hold headers. */
    static final int MAX_REQUEST_BYTES = 8 * 1024;

    private final MetricsSettings settings;
    private final ProxyMetrics metrics;
    private final boolean ownsMetrics;
    private final Transport transport;
    private final ConnectionLimit limit;
    private EventLoopGroup loop;
    private Channel serverChannel;
    private ScheduledFuture<?> sampler;

    /** A server with its own {@link ProxyMetrics} over {@code context}, named with {@code settings.prefix()}. */
    public MetricsServer(MetricsSettings settings, AdminContext context) {
        this(
                settings,
                new ProxyMetrics(context, settings.prefix()),
                true,
                context.engine().transport());
    }

    /** A server for metrics built elsewhere (for instance over another {@link StatsReader}); closing leaves them open. */
    public MetricsServer(MetricsSettings settings, ProxyMetrics metrics, Transport transport) {
        this(settings, metrics, false, transport);
    }

    private MetricsServer(MetricsSettings settings, ProxyMetrics metrics, boolean ownsMetrics, Transport transport) {
        this.settings = settings;
        this.metrics = metrics;
        this.ownsMetrics = ownsMetrics;
        this.transport = transport;
        this.limit = new ConnectionLimit(settings.maxConnections());
    }

    /**
     * Binds and starts serving; blocks until bound (never call it on an event loop).
     *
     * @throws BindFailedException naming the address and the OS reason when the bind fails; nothing is left running
     */
    public synchronized void start() throws BindFailedException {
        start(java.util.Optional.empty());
    }

    /**
     * Starts serving on {@code inherited}, a listening socket the process this one replaces handed over (unregistered
     * channel), or binds when it is empty; blocks until listening.
     */
    public synchronized void start(java.util.Optional<Channel> inherited) throws BindFailedException {
        if (loop != null) {
            throw new IllegalStateException("already started");
        }
        loop = transport.newGroup(1, "understudy-metrics");
        MetricsHttpHandler handler = new MetricsHttpHandler(metrics, settings.path());
        ServerBootstrap b = new ServerBootstrap()
                .group(loop)
                .option(ChannelOption.SO_BACKLOG, 64)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline()
                                .addLast("limit", limit)
                                .addLast("idle", new IdleStateHandler(0, 0, IDLE_SECONDS, TimeUnit.SECONDS))
                                .addLast("deadline", new RequestDeadline(limit))
                                .addLast("http", new HttpServerCodec(4096, MAX_REQUEST_BYTES, MAX_REQUEST_BYTES))
                                .addLast("aggregate", new HttpObjectAggregator(MAX_REQUEST_BYTES))
                                .addLast("metrics", handler);
                    }
                });
        ChannelFuture f = inherited.isPresent()
                ? b.channelFactory(() -> (io.netty.channel.ServerChannel) inherited.get())
                        .register()
                        .awaitUninterruptibly()
                : b.channel(transport.serverChannel()).bind(settings.bind()).awaitUninterruptibly();
        if (!f.isSuccess()) {
            shutdownLoop();
            throw new BindFailedException(
                    "cannot " + (inherited.isPresent() ? "take over" : "bind") + " metrics on " + settings.bind() + ": "
                            + f.cause().getMessage(),
                    f.cause());
        }
        serverChannel = f.channel();
        long every = ProxyMetrics.SAMPLE_INTERVAL.toMillis();
        sampler = loop.next().scheduleAtFixedRate(this::sample, every, every, TimeUnit.MILLISECONDS);
        LOG.info(
                "metrics listening on http://{}{} (prefix {}), health on /health",
                address().getHostString() + ":" + address().getPort(),
                settings.path(),
                settings.prefix());
    }

    private void sample() {
        try {
            metrics.sample();
        } catch (RuntimeException e) {
            // An exception would cancel the periodic task: log it and keep sampling.
            LOG.warn("metrics: sampling failed", e);
        }
    }

    /** The listening socket, for a process taking over ({@code _getsocks}); empty when not listening or on NIO. */
    public java.util.Optional<io.netty.channel.unix.FileDescriptor> descriptor() {
        Channel ch = serverChannel;
        if (ch instanceof io.netty.channel.unix.UnixChannel u && ch.isOpen()) {
            return java.util.Optional.of(u.fd());
        }
        return java.util.Optional.empty();
    }

    /** Where the server listens (the real port when the settings said 0). */
    public InetSocketAddress address() {
        Channel ch = serverChannel;
        return ch == null ? settings.bind() : (InetSocketAddress) ch.localAddress();
    }

    public MetricsSettings settings() {
        return settings;
    }

    public ProxyMetrics metrics() {
        return metrics;
    }

    /** Connections open now. */
    public int openConnections() {
        return limit.open();
    }

    /** Stops serving and closes every connection; blocks until done. Idempotent. */
    @Override
    public synchronized void close() {
        if (sampler != null) {
            sampler.cancel(false);
            sampler = null;
        }
        if (serverChannel != null) {
            serverChannel.close().awaitUninterruptibly();
            serverChannel = null;
        }
        shutdownLoop();
        if (ownsMetrics) {
            metrics.close();
        }
    }

    private void shutdownLoop() {
        if (loop != null) {
            loop.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
            loop = null;
        }
    }
}
