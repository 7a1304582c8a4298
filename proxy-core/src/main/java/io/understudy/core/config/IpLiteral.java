package io.understudy.core.config;

import io.netty.util.NetUtil;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Optional;

/**
 * An IP address written out (IPv4 dotted quad, or IPv6 with or without brackets), parsed without ever asking DNS: what
 * {@code set server addr} and the state file accept, so that neither can block on a resolver.
 */
public final class IpLiteral {
    private IpLiteral() {}

    /** The address {@code text} names, or empty when it is not an IP literal. */
    public static Optional<InetAddress> parse(String text) {
        String t = text.startsWith("[") && text.endsWith("]") ? text.substring(1, text.length() - 1) : text;
        // Netty parses the text itself and answers null for anything but an IP: never a lookup, even for 999.1.1.1
        // (which InetAddress would send to DNS).
        return Optional.ofNullable(NetUtil.createInetAddressFromIpAddressString(t));
    }

    /** {@code ip} and {@code port} as the config would hold them. */
    public static HostPort hostPort(InetAddress ip, int port) {
        return new HostPort(ip.getHostAddress(), port, new InetSocketAddress(ip, port));
    }

    /** {@code ip:port} or {@code [v6]:port}, or empty when it is not that. */
    public static Optional<HostPort> parseHostPort(String text) {
        int colon = text.lastIndexOf(':');
        if (colon <= 0) {
            return Optional.empty();
        }
        String host = text.substring(0, colon);
        if (host.indexOf(':') >= 0 && !(host.startsWith("[") && host.endsWith("]"))) {
            return Optional.empty();
        }
        int port;
        try {
            port = Integer.parseInt(text.substring(colon + 1));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
        if (port < 1 || port > 65535) {
            return Optional.empty();
        }
        return parse(host).map(ip -> hostPort(ip, port));
    }
}
