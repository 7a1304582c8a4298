package io.understudy.core.config;

import io.netty.util.NetUtil;
import java.net.InetSocketAddress;

/**
 * An address as written in the config ({@code host:port}, {@code [v6]:port}) together with what it resolved to at
 * load time. Resolution happens once, off any event loop, so that the relay never waits on DNS.
 */
public record HostPort(String host, int port, InetSocketAddress resolved) {
    /** The text form used in logs and in {@code show stat}'s {@code addr} column. */
    @Override
    public String toString() {
        // RFC 5952's short form for IPv6 ("::1"), as HAProxy prints it.
        String h = resolved.getAddress() != null ? NetUtil.toAddressString(resolved.getAddress()) : host;
        return (h.indexOf(':') >= 0 ? "[" + h + "]" : h) + ":" + port;
    }
}
