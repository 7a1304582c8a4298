package io.understudy.core.config;

import io.netty.util.NetUtil;
import java.net.InetSocketAddress;

/**
 * An address as written in the config ({@code host:port}, {@code [v6]:port}) together with what it resolved to: at
 * load time, and later by the resolvers ({@code global.resolve-interval}) for a host name. Resolution happens off any
 * event loop, so that the relay never waits on DNS. A server started with {@code init-addr = none} whose name did not
 * resolve has no address yet: {@link #hasAddress()} is false, and it takes no traffic until it has one.
 */
public record HostPort(String host, int port, InetSocketAddress resolved) {
    /** {@code host:port} without an address yet: a name that did not resolve at load ({@code init-addr = none}). */
    public static HostPort unresolved(String host, int port) {
        return new HostPort(host, port, InetSocketAddress.createUnresolved(host, port));
    }

    /** Whether there is an IP address to connect to; false only for {@link #unresolved}. */
    public boolean hasAddress() {
        return !resolved.isUnresolved();
    }

    /** Whether the host is a name (to resolve, and to follow in DNS) rather than an IP literal. */
    public boolean isName() {
        return IpLiteral.parse(host).isEmpty();
    }

    /**
     * Whether this is still the address {@code config} gives, wherever DNS moved it since: for a host name, the same
     * name and port (whatever it resolves to now); for an IP literal, the same {@code ip:port}. False for an address an
     * operator set ({@code set server addr}), which names an IP.
     */
    public boolean follows(HostPort config) {
        return config.isName()
                ? host.equals(config.host) && port == config.port
                : toString().equals(config.toString());
    }

    /** The IP alone as HAProxy logs it ({@code 127.0.0.1}, {@code ::1}), or {@code (none)} without an address. */
    public String ip() {
        return hasAddress() ? NetUtil.toAddressString(resolved.getAddress()) : "(none)";
    }

    /** The text form used in logs and in {@code show stat}'s {@code addr} column. */
    @Override
    public String toString() {
        // RFC 5952's short form for IPv6 ("::1"), as HAProxy prints it.
        String h = resolved.getAddress() != null ? NetUtil.toAddressString(resolved.getAddress()) : host;
        return (h.indexOf(':') >= 0 ? "[" + h + "]" : h) + ":" + port;
    }
}
