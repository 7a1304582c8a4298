package io.understudy.core.model;

import io.understudy.core.config.ServerConfig;
import io.understudy.core.counter.TrafficCounters;
import java.net.InetSocketAddress;

/**
 * One server of a backend, addressed {@code backend/server} everywhere. Its identity and counters are fixed; its
 * {@link ServerState} is replaced as a whole by the control plane, the only writer.
 */
public final class Server {
    private final String backendName;
    private final ServerConfig config;
    private final String id;
    private final TrafficCounters counters = new TrafficCounters();

    /** Written only by the control plane's thread; read from anywhere. */
    private volatile ServerState state;

    public Server(String backendName, ServerConfig config, ServerState initial) {
        this.backendName = backendName;
        this.config = config;
        this.id = backendName + "/" + config.name();
        this.state = initial;
    }

    /** {@code backend/server}. */
    public String id() {
        return id;
    }

    public String name() {
        return config.name();
    }

    public String backendName() {
        return backendName;
    }

    public ServerConfig config() {
        return config;
    }

    public boolean isBackup() {
        return config.backup();
    }

    public InetSocketAddress address() {
        return config.address().resolved();
    }

    public TrafficCounters counters() {
        return counters;
    }

    public ServerState state() {
        return state;
    }

    /** Only the control plane calls this; see {@code io.understudy.core.model.ControlPlane}. */
    public void publish(ServerState next) {
        this.state = next;
    }

    /** Whether this server still has a free slot under its {@code maxconn} (always, when unlimited). */
    public boolean hasFreeSlot() {
        int max = config.maxconn();
        return max == 0 || counters.currentSessions() < max;
    }

    @Override
    public String toString() {
        return id;
    }
}
