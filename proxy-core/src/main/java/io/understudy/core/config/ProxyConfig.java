package io.understudy.core.config;

import java.util.List;
import java.util.Optional;

/**
 * The whole validated configuration of one proxy process. Built only by {@link ConfigLoader}; never mutated.
 *
 * @param global process-wide settings
 * @param listens the {@code listen.<name>} sections, in file order
 * @param admin admin sockets (may be empty)
 * @param source a human description of where the config came from (file path), for logs
 * @param metrics the Prometheus endpoint, if configured
 * @param peers the pair this proxy belongs to, if any
 */
public record ProxyConfig(
        GlobalConfig global,
        List<ListenConfig> listens,
        AdminConfig admin,
        String source,
        Optional<MetricsConfig> metrics,
        Optional<PeersConfig> peers) {
    public ProxyConfig {
        listens = List.copyOf(listens);
    }

    /** Without a pair. */
    public ProxyConfig(
            GlobalConfig global,
            List<ListenConfig> listens,
            AdminConfig admin,
            String source,
            Optional<MetricsConfig> metrics) {
        this(global, listens, admin, source, metrics, Optional.empty());
    }

    /** Without a metrics endpoint. */
    public ProxyConfig(GlobalConfig global, List<ListenConfig> listens, AdminConfig admin, String source) {
        this(global, listens, admin, source, Optional.empty());
    }

    /** The backend with that name, if configured. */
    public Optional<BackendConfig> backend(String name) {
        return listens.stream()
                .map(ListenConfig::backend)
                .filter(b -> b.name().equals(name))
                .findFirst();
    }
}
