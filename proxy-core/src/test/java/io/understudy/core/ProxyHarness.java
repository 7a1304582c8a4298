package io.understudy.core;

import io.understudy.core.config.ProxyConfig;
import io.understudy.core.frontend.BindFailedException;
import io.understudy.core.model.Backend;
import io.understudy.core.model.Server;
import io.understudy.core.transport.Transport;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;

/** An in-process proxy for component tests, bound to a free loopback port. */
public final class ProxyHarness implements AutoCloseable {
    private final ProxyEngine engine;

    private ProxyHarness(ProxyConfig config, Transport transport) {
        engine = new ProxyEngine(config, transport);
        try {
            engine.start();
        } catch (BindFailedException e) {
            throw new IllegalStateException(e);
        }
    }

    public static ProxyHarness start(TestConfigs config) {
        return new ProxyHarness(config.build(), Transport.best());
    }

    /** With a given transport: NIO is what runs where epoll is not available. */
    public static ProxyHarness start(TestConfigs config, Transport transport) {
        return new ProxyHarness(config.build(), transport);
    }

    public ProxyEngine engine() {
        return engine;
    }

    public InetSocketAddress address() {
        return engine.boundAddress(engine.frontends().get(0).name()).orElseThrow();
    }

    public Backend backend() {
        return engine.backends().get(0);
    }

    public Server server(String name) {
        return backend().server(name).orElseThrow();
    }

    /** A client socket to the proxy with a read timeout, so no test can hang. */
    public Socket connect() {
        try {
            Socket s = new Socket();
            s.setSoTimeout(10_000);
            s.connect(address(), 5_000);
            return s;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        engine.stop(Duration.ZERO);
    }
}
