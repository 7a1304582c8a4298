package io.understudy.server;

import io.understudy.core.ProxyEngine;
import io.understudy.core.config.DurationText;
import io.understudy.core.config.ProxyConfig;
import io.understudy.core.frontend.BindFailedException;
import java.time.Duration;
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

    public Understudy(ProxyConfig config) {
        this.config = config;
        this.engine = new ProxyEngine(config);
    }

    /** Binds everything; on failure nothing stays bound. */
    public void start() throws BindFailedException {
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

    /** Stops accepting, lets sessions finish for up to {@code hard-stop-after}, then closes everything. */
    public void stop() {
        Duration grace = config.global().hardStopAfter();
        LOG.info("stopping: no new connections; sessions have up to {} to finish", DurationText.format(grace));
        engine.stop(grace);
        LOG.info("stopped");
    }

    @Override
    public void close() {
        engine.stop(Duration.ZERO);
    }
}
