package io.understudy.core.config;

/**
 * One MySQL server of a backend.
 *
 * @param name the server's name, unique in its backend
 * @param id HAProxy's {@code sid}: 1-based position in declaration order
 * @param address host and port as written in the config (the host was resolved once at load time)
 * @param backup used only when no active server of the backend is usable
 * @param weight 0..256, HAProxy's meaning; 0 takes no new sessions
 * @param maxconn most concurrent sessions on this server; 0 means no limit
 * @param disabled starts in maintenance (HAProxy's {@code disabled})
 * @param check how this server is health-checked: the server's own {@code check} settings over its backend's
 * @param sendProxy the PROXY protocol header its connections (and its checks') start with, if any
 */
public record ServerConfig(
        String name,
        int id,
        HostPort address,
        boolean backup,
        int weight,
        int maxconn,
        boolean disabled,
        CheckConfig check,
        SendProxy sendProxy) {
    public ServerConfig {
        java.util.Objects.requireNonNull(sendProxy, "sendProxy");
    }

    /** A server sent no PROXY protocol header. */
    public ServerConfig(
            String name,
            int id,
            HostPort address,
            boolean backup,
            int weight,
            int maxconn,
            boolean disabled,
            CheckConfig check) {
        this(name, id, address, backup, weight, maxconn, disabled, check, SendProxy.NONE);
    }

    /** A server that is not health-checked. */
    public ServerConfig(
            String name, int id, HostPort address, boolean backup, int weight, int maxconn, boolean disabled) {
        this(name, id, address, backup, weight, maxconn, disabled, CheckConfig.disabled());
    }
}
