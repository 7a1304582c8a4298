package io.understudy.server;

import io.netty.channel.EventLoopGroup;
import io.understudy.checks.HealthChecker;
import io.understudy.checks.StandardCheckFactory;
import io.understudy.checks.sql.SqlCheckExecutor;
import io.understudy.core.ProxyEngine;
import io.understudy.core.config.DurationText;
import io.understudy.core.config.ProxyConfig;
import io.understudy.core.frontend.BindFailedException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running proxy process: the forwarding core plus what the launcher wires around it. The composition root; the
 * only place that knows every module.
 */
public final class Understudy implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Understudy.class);

    private final ProxyConfig config;
    private final ProxyEngine engine;
    private final EventLoopGroup checkLoop;
    private final SqlCheckExecutor sqlChecks = new SqlCheckExecutor();
    private final HealthChecker health;

    public Understudy(ProxyConfig config) {
        this.config = config;
        this.engine = new ProxyEngine(config);
        // Checks get their own event loop so that a burst of checks never delays the relay's.
        this.checkLoop = engine.transport().newGroup(1, "understudy-check");
        this.health =
                new HealthChecker(engine.control(), new StandardCheckFactory(checkLoop, engine.transport(), sqlChecks));
    }

    /**
     * Publishes the initial server states and starts the checks, then binds the frontends; on failure nothing stays
     * bound.
     */
    public void start() throws BindFailedException {
        health.start();
        engine.start();
        LOG.info(
                "Understudy {} started from {}: {} frontend(s), transport {}",
                Version.current(),
                config.source(),
                engine.frontends().size(),
                engine.transport().name());
    }

    public ProxyEngine engine() {
        return engine;
    }

    public HealthChecker health() {
        return health;
    }

    /** Stops accepting, lets sessions finish for up to {@code hard-stop-after}, then closes everything. */
    public void stop() {
        Duration grace = config.global().hardStopAfter();
        LOG.info("stopping: no new connections; sessions have up to {} to finish", DurationText.format(grace));
        // Checks stop first: they report through the control plane, which the engine closes.
        stopChecks();
        engine.stop(grace);
        LOG.info("stopped");
    }

    @Override
    public void close() {
        stopChecks();
        engine.stop(Duration.ZERO);
    }

    private void stopChecks() {
        health.close();
        sqlChecks.close();
        checkLoop.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
