package io.understudy.core.model;

import io.understudy.core.config.CheckConfig;
import io.understudy.core.config.HostPort;
import io.understudy.core.config.ServerConfig;
import java.util.Objects;
import java.util.Optional;

/**
 * A server added at runtime ({@code add server}), as the operator described it: what the state file and the pair's peer
 * carry to recreate it. Its health check, when asked for, is the backend's: that of the first server the config checks
 * (the listen section's {@code check}, unless that server overrides it). Its {@code send-proxy} is that of the
 * backend's first configured server: servers behind one proxy trust it alike.
 *
 * @param address where it is (an IP address: nothing is resolved at runtime)
 * @param backup whether it is a backup
 * @param check whether it is health-checked
 * @param weight its weight, 0..256
 * @param maxconn at most this many sessions at once, 0 for no limit
 * @param id its {@code sid}, 0 for the lowest free one: kept, so that a restart and the peer number it the same
 */
public record ServerSpec(HostPort address, boolean backup, boolean check, int weight, int maxconn, int id) {
    /** A server numbered with the lowest free id. */
    public ServerSpec(HostPort address, boolean backup, boolean check, int weight, int maxconn) {
        this(address, backup, check, weight, maxconn, 0);
    }

    public ServerSpec {
        if (id < 0) {
            throw new IllegalArgumentException("id must be >= 0: " + id);
        }
        Objects.requireNonNull(address, "address");
        if (weight < 0 || weight > 256) {
            throw new IllegalArgumentException("weight must be 0..256: " + weight);
        }
        if (maxconn < 0) {
            throw new IllegalArgumentException("maxconn must be >= 0: " + maxconn);
        }
    }

    /** The check a {@code check} server of {@code backend} gets, or empty when the config checks none of its servers. */
    public static Optional<CheckConfig> backendCheck(Backend backend) {
        return backend.config().servers().stream()
                .map(ServerConfig::check)
                .filter(CheckConfig::enabled)
                .findFirst();
    }

    /** What a server of the config with these settings would say. */
    static ServerSpec of(ServerConfig c) {
        return new ServerSpec(c.address(), c.backup(), c.check().enabled(), c.weight(), c.maxconn(), c.id());
    }

    /**
     * The server's config, numbered with its own id when no server of {@code backend} has it, else {@code freeId};
     * empty when it asks for a check the backend cannot give.
     */
    Optional<ServerConfig> toConfig(String name, int freeId, Backend backend) {
        int sid = id > 0 && backend.servers().stream().noneMatch(s -> s.config().id() == id) ? id : freeId;
        CheckConfig c;
        if (check) {
            Optional<CheckConfig> from = backendCheck(backend);
            if (from.isEmpty()) {
                return Optional.empty();
            }
            c = from.get();
        } else {
            c = CheckConfig.disabled();
        }
        io.understudy.core.config.SendProxy sendProxy = backend.config().servers().stream()
                .findFirst()
                .map(ServerConfig::sendProxy)
                .orElse(io.understudy.core.config.SendProxy.NONE);
        return Optional.of(new ServerConfig(name, sid, address, backup, weight, maxconn, false, c, sendProxy));
    }
}
