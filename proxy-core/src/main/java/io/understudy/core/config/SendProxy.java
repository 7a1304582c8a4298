package io.understudy.core.config;

/**
 * Whether connections to a server start with a PROXY protocol header, and which version: HAProxy's {@code send-proxy}
 * (v1, text) and {@code send-proxy-v2} (binary). The header carries the client's address to a server that trusts this
 * proxy to tell it (MariaDB's {@code proxy_protocol_networks}); the server's health checks send one too, as HAProxy's
 * do, so that a server that requires it keeps passing them.
 */
public enum SendProxy {
    /** No header: the server sees the proxy's address. */
    NONE("none"),
    /** {@code PROXY TCP4 <src> <dst> <sport> <dport>\r\n}. */
    V1("v1"),
    /** The binary header of PROXY protocol version 2. */
    V2("v2");

    private final String keyword;

    SendProxy(String keyword) {
        this.keyword = keyword;
    }

    /** The value written in the config ({@code send-proxy = v2}) and shown in logs. */
    public String keyword() {
        return keyword;
    }

    @Override
    public String toString() {
        return keyword;
    }
}
