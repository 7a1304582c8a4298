package io.understudy.core.config;

import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.Map;
import java.util.Optional;

/**
 * Reads {@code host:port} settings (a server's {@code address}, a listen's {@code bind}) and resolves the host once,
 * at load time, so that neither a typo nor a DNS failure shows up later as a failover that does not happen.
 */
final class Addresses {
    static final String SERVER_FORM = "host:port or [ipv6]:port";
    static final String BIND_FORM = "host:port, [ipv6]:port, *:port or :port";
    static final String SERVER_PORT = "a port from 1 to 65535";
    static final String BIND_PORT = "a port from 0 to 65535 (0 = any free port)";
    static final String HOST = "a host name that resolves, or an IP address";

    /** What {@code *:port} and {@code :port} bind to. */
    static final String WILDCARD = "0.0.0.0";

    /** HAProxy's {@code init-addr} methods this proxy knows, in the order tried. */
    enum InitAddr {
        /** Resolve at load; a name that does not resolve is a config error (the default). */
        LIBC,
        /** Resolve at load; a name that does not resolve starts without an address, in MAINT (resolution). */
        LIBC_NONE,
        /** Start without an address, in MAINT (resolution), until the resolvers give it one. */
        NONE
    }

    static final Map<String, InitAddr> INIT_ADDR = Section.choices(
            Map.entry("libc", InitAddr.LIBC),
            Map.entry("libc,none", InitAddr.LIBC_NONE),
            Map.entry("none", InitAddr.NONE));

    static final String NEEDS_RESOLVERS = "libc (init-addr none needs global.resolve-interval above 0, or the server"
            + " would never get an address)";

    private final HostResolver resolver;
    private final boolean followsDns;

    Addresses(HostResolver resolver) {
        this(resolver, false);
    }

    /** @param followsDns whether names are resolved again at runtime ({@code global.resolve-interval} above 0) */
    Addresses(HostResolver resolver, boolean followsDns) {
        this.resolver = resolver;
        this.followsDns = followsDns;
    }

    /** A server's {@code address}: a host is required, port 1..65535. */
    Optional<HostPort> server(Section section, String key) {
        return read(section, key, false, InitAddr.LIBC);
    }

    /**
     * A server's {@code address} with its {@code init-addr} (read from {@code initKey}, {@code libc} when absent): a
     * name that does not resolve at load is an error, unless {@code init-addr} allows {@code none}.
     */
    Optional<HostPort> server(Section section, String key, String initKey) {
        Optional<InitAddr> init =
                section.has(initKey) ? section.keyword(initKey, INIT_ADDR) : Optional.of(InitAddr.LIBC);
        if (init.isEmpty()) {
            return Optional.empty();
        }
        if (init.get() != InitAddr.LIBC && !followsDns) {
            return section.report(initKey, section.value(initKey), NEEDS_RESOLVERS);
        }
        return read(section, key, false, init.get());
    }

    /** A listen's {@code bind}: {@code *} or no host means all IPv4 addresses, port 0 means any free port. */
    Optional<HostPort> bind(Section section, String key) {
        return read(section, key, true, InitAddr.LIBC);
    }

    private Optional<HostPort> read(Section section, String key, boolean bind, InitAddr init) {
        ConfigValue v = section.value(key);
        String form = bind ? BIND_FORM : SERVER_FORM;
        if (v.valueType() != ConfigValueType.STRING) {
            return section.report(key, v, form);
        }
        String text = ((String) v.unwrapped()).trim();
        String host;
        String portText;
        if (text.startsWith("[")) {
            int close = text.indexOf(']');
            if (close < 2 || close + 1 >= text.length() || text.charAt(close + 1) != ':') {
                return section.report(key, v, form);
            }
            host = text.substring(1, close);
            portText = text.substring(close + 2);
        } else {
            int colon = text.lastIndexOf(':');
            // A second colon means an unbracketed IPv6 address, whose port cannot be told apart.
            if (colon < 0 || text.indexOf(':') != colon) {
                return section.report(key, v, form);
            }
            host = text.substring(0, colon);
            portText = text.substring(colon + 1);
        }
        if (host.isEmpty() || host.equals("*")) {
            if (!bind) {
                return section.report(key, v, form);
            }
            host = WILDCARD;
        }
        int port = bind ? parsePort(portText, 0) : parsePort(portText, 1);
        if (port < 0) {
            return section.report(key, v, bind ? BIND_PORT : SERVER_PORT);
        }
        boolean literal = IpLiteral.parse(host).isPresent();
        if (init == InitAddr.NONE && !literal) {
            return Optional.of(HostPort.unresolved(host, port));
        }
        InetAddress address;
        try {
            address = resolver.resolve(host);
        } catch (UnknownHostException e) {
            if (init == InitAddr.LIBC_NONE && !literal) {
                return Optional.of(HostPort.unresolved(host, port));
            }
            return section.report(key, v, HOST);
        }
        return Optional.of(new HostPort(host, port, new InetSocketAddress(address, port)));
    }

    /** The port, or -1 when it is not a number in {@code min..65535}. */
    private static int parsePort(String text, int min) {
        if (!text.matches("\\d{1,5}")) {
            return -1;
        }
        int port = Integer.parseInt(text);
        return port >= min && port <= 65535 ? port : -1;
    }
}
