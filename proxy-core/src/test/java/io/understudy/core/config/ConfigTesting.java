package io.understudy.core.config;

import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.List;

/** Shared helpers for the config tests: parse with a fixed (empty) environment so the machine's env cannot leak in. */
final class ConfigTesting {
    static final String SOURCE = "test.conf";

    static final String DURATION = "a positive duration such as 100ms, 10s, 1m or 8h";

    /** A listen section that is valid on its own, for tests about something else. */
    static final String MINIMAL_LISTEN =
            """
            listen.db {
              bind = "127.0.0.1:0"
              servers = [ { name = a, address = "127.0.0.1:3306" } ]
            }
            """;

    /** Maps every name to 127.0.0.1, so configs naming example.com hosts load here. */
    static final HostResolver ANY_HOST_IS_LOCAL = host -> InetAddress.getByAddress(host, new byte[] {127, 0, 0, 1});

    /** Refuses every name: proves a code path never resolves. */
    static final HostResolver NO_DNS = host -> {
        throw new UnknownHostException(host);
    };

    private ConfigTesting() {}

    static ProxyConfig parse(String hocon) throws ConfigException {
        return ConfigLoader.parse(hocon, SOURCE, ConfigFactory.empty(), HostResolver.system());
    }

    static ProxyConfig parse(String hocon, Config env) throws ConfigException {
        return ConfigLoader.parse(hocon, SOURCE, env, HostResolver.system());
    }

    static List<ConfigProblem> problems(String hocon) {
        return problems(hocon, ConfigFactory.empty());
    }

    static List<ConfigProblem> problems(String hocon, Config env) {
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> parse(hocon, env));
        if (e == null) {
            throw new AssertionError("expected the config to be rejected:\n" + hocon);
        }
        return e.problems();
    }

    /** The problem expected at {@code test.conf:<line>}. */
    static ConfigProblem problem(String key, String value, String expected, int line) {
        return new ConfigProblem(key, value, expected, SOURCE + ":" + line);
    }

    static InetSocketAddress local(int port) {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
    }
}
