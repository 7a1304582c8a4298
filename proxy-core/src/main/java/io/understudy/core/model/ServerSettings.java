package io.understudy.core.model;

import io.understudy.core.config.HostPort;
import io.understudy.core.config.ServerConfig;
import java.net.InetSocketAddress;
import java.util.Objects;

/**
 * What an operator may change of a server at runtime without redefining it: where it is ({@code set server addr}), how
 * many sessions it takes ({@code set maxconn server}) and the port its checks use ({@code set server check-port}). Part
 * of the {@link ServerState}, so that the control plane changes it like any other decision: in one commit, in the
 * state file and shared with the pair.
 *
 * @param address where sessions and checks go
 * @param maxconn at most this many sessions at once, 0 for no limit
 * @param checkPort the port health checks connect to, 0 for the server's own
 */
public record ServerSettings(HostPort address, int maxconn, int checkPort) {
    public ServerSettings {
        Objects.requireNonNull(address, "address");
        if (maxconn < 0) {
            throw new IllegalArgumentException("maxconn must be >= 0: " + maxconn);
        }
        if (checkPort < 0 || checkPort > 65535) {
            throw new IllegalArgumentException("check port must be 0..65535: " + checkPort);
        }
    }

    /** The settings the configuration gives. */
    public static ServerSettings of(ServerConfig config) {
        return new ServerSettings(config.address(), config.maxconn(), 0);
    }

    public ServerSettings withAddress(HostPort a) {
        return new ServerSettings(a, maxconn, checkPort);
    }

    public ServerSettings withMaxconn(int m) {
        return new ServerSettings(address, m, checkPort);
    }

    public ServerSettings withCheckPort(int p) {
        return new ServerSettings(address, maxconn, p);
    }

    /** Where health checks connect: the server's address, on the check port when one is set. */
    public InetSocketAddress checkAddress() {
        InetSocketAddress a = address.resolved();
        return checkPort == 0 ? a : new InetSocketAddress(a.getAddress(), checkPort);
    }

    /** The changes from {@code before} to this, for the log: {@code addr 127.0.0.1:3306 -> 127.0.0.2:3306}. */
    String changesFrom(ServerSettings before) {
        return new Changes()
                .add("addr", before.address, address)
                .add("maxconn", before.maxconn, maxconn)
                .add("check-port", before.checkPort, checkPort)
                .toString();
    }
}
