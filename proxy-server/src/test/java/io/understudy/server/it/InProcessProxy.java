package io.understudy.server.it;

import io.understudy.core.ProxyEngine;
import io.understudy.core.config.ConfigLoader;
import io.understudy.server.Understudy;
import io.understudy.testkit.MariaDbServer;
import java.util.List;

/** The whole proxy, started in the test JVM from a HOCON text, listening on a free loopback port. */
final class InProcessProxy implements AutoCloseable {
    private final Understudy proxy;

    private InProcessProxy(String hocon) throws Exception {
        proxy = new Understudy(ConfigLoader.parse(hocon, "test.conf"));
        proxy.start();
    }

    /** A {@code listen.MySQL} with the first server active and the others backups, plus {@code extra} settings. */
    static InProcessProxy activeBackup(List<MariaDbServer> servers, String extra) throws Exception {
        return new InProcessProxy(Hocon.activeBackup(servers, extra));
    }

    static InProcessProxy of(String hocon) throws Exception {
        return new InProcessProxy(hocon);
    }

    int port() {
        return engine().boundAddress("MySQL").orElseThrow().getPort();
    }

    ProxyEngine engine() {
        return proxy.engine();
    }

    io.understudy.checks.HealthChecker health() {
        return proxy.health();
    }

    io.understudy.core.model.Server server(String name) {
        return engine().backends().get(0).server(name).orElseThrow();
    }

    @Override
    public void close() {
        proxy.close();
    }
}
