package io.understudy.admin.metrics;

import io.netty.channel.EventLoopGroup;
import io.understudy.admin.AdminContext;
import io.understudy.checks.HealthChecker;
import io.understudy.checks.StandardCheckFactory;
import io.understudy.checks.sql.SqlCheckExecutor;
import io.understudy.core.ProxyEngine;
import io.understudy.core.config.ConfigLoader;
import io.understudy.core.model.Server;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A proxy built from a HOCON text and wired as the launcher wires it (health checker on its own event loop, started
 * before the engine), plus the {@link AdminContext} the metrics read. Optionally not started, to see stopped frontends.
 */
final class TestProxy implements AutoCloseable {
    static final String[] NAMES = {"Primary", "Secondary", "Tertiary"};

    final ProxyEngine engine;
    final HealthChecker health;
    final AdminContext context;

    private final EventLoopGroup checkLoop;
    private final SqlCheckExecutor sql = new SqlCheckExecutor();

    private TestProxy(String hocon, boolean start) throws Exception {
        engine = new ProxyEngine(ConfigLoader.parse(hocon, "test.conf"));
        checkLoop = engine.transport().newGroup(1, "test-check");
        health = new HealthChecker(engine.control(), new StandardCheckFactory(checkLoop, engine.transport(), sql));
        context = new AdminContext(
                engine, health, "0.1.0-test", ProcessHandle.current().pid(), engine.startMillis());
        if (start) {
            health.start();
            engine.start();
        }
    }

    static TestProxy started(String hocon) throws Exception {
        return new TestProxy(hocon, true);
    }

    static TestProxy notStarted(String hocon) throws Exception {
        return new TestProxy(hocon, false);
    }

    /**
     * {@code listen.MySQL} on a free loopback port, the first address active and the others backups named
     * {@link #NAMES}, plus {@code extra} settings inside the listen section.
     */
    static String activeBackup(List<Integer> ports, String extra) {
        StringBuilder s = new StringBuilder("listen.MySQL {\n  bind = \"127.0.0.1:0\"\n  servers = [\n");
        for (int i = 0; i < ports.size(); i++) {
            s.append("    { name = ")
                    .append(NAMES[i])
                    .append(", address = \"127.0.0.1:")
                    .append(ports.get(i))
                    .append('"')
                    .append(i > 0 ? ", backup = true" : "")
                    .append(" }\n");
        }
        return s.append("  ]\n").append(extra).append("\n}\n").toString();
    }

    int port() {
        return engine.boundAddress("MySQL").orElseThrow().getPort();
    }

    Server server(String name) {
        return engine.backends().get(0).server(name).orElseThrow();
    }

    @Override
    public void close() {
        health.close();
        sql.close();
        checkLoop.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        engine.stop(Duration.ZERO);
    }
}
