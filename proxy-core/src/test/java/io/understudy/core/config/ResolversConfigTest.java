package io.understudy.core.config;

import static io.understudy.core.config.ConfigTesting.SOURCE;
import static io.understudy.core.config.ConfigTesting.problem;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code global.resolve-interval} and a server's {@code init-addr}: what loads, and the problems of what does not. */
class ResolversConfigTest {
    private static final String NEEDS_RESOLVERS = "libc (init-addr none needs global.resolve-interval above 0, or the"
            + " server would never get an address)";

    /** IP literals only: no name resolves. */
    private static final HostResolver NO_DNS =
            host -> IpLiteral.parse(host).orElseThrow(() -> new java.net.UnknownHostException(host));

    private static ProxyConfig load(String hocon, HostResolver resolver) throws ConfigException {
        return ConfigLoader.parse(hocon, SOURCE, ConfigFactory.empty(), resolver);
    }

    private static List<ConfigProblem> problems(String hocon, HostResolver resolver) {
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> load(hocon, resolver));
        assertThat(e).as("expected the config to be rejected").isNotNull();
        return e.problems();
    }

    private static String config(String global, String server) {
        return "global { " + global + " }\n"
                + "listen.db { bind = \"127.0.0.1:0\", servers = [ { name = a, address = \"db.test:3306\"" + server
                + " } ] }\n";
    }

    @Test
    void resolveIntervalIsZeroByDefaultThatIsNamesAreResolvedOnce() throws ConfigException {
        ProxyConfig c = load(config("", ""), ConfigTesting.ANY_HOST_IS_LOCAL);
        assertThat(c.global().resolveInterval()).isZero();
        assertThat(c.global().followsDns()).isFalse();
        assertThat(load(config("resolve-interval = 5s", ""), ConfigTesting.ANY_HOST_IS_LOCAL)
                        .global()
                        .resolveInterval())
                .isEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void resolveIntervalMustBeZeroOrAtLeast100ms() {
        String expected = "0 (resolve host names once, at start) or a duration of at least 100ms such as 10s";
        assertThat(problems(config("resolve-interval = 10ms", ""), ConfigTesting.ANY_HOST_IS_LOCAL))
                .containsExactly(problem("global.resolve-interval", "10ms", expected, 1));
        assertThat(problems(config("resolve-interval = often", ""), ConfigTesting.ANY_HOST_IS_LOCAL))
                .containsExactly(problem(
                        "global.resolve-interval", "often", "0 or a positive duration such as 100ms, 2s or 1m", 1));
    }

    @Test
    void aNameThatDoesNotResolveIsStillAnErrorWithoutInitAddrNone() {
        assertThat(problems(config("resolve-interval = 5s", ""), NO_DNS))
                .containsExactly(problem(
                        "listen.db.servers[0].address",
                        "db.test:3306",
                        "a host name that resolves, or an IP address",
                        2));
        assertThat(problems(config("resolve-interval = 5s", ", init-addr = libc"), NO_DNS))
                .hasSize(1);
    }

    @Test
    void initAddrNoneStartsTheServerWithoutAnAddress() throws ConfigException {
        for (String init : List.of("\"libc,none\"", "none")) {
            ServerConfig s = load(config("resolve-interval = 5s", ", init-addr = " + init), NO_DNS)
                    .listens()
                    .get(0)
                    .backend()
                    .servers()
                    .get(0);
            assertThat(s.address().hasAddress()).isFalse();
            assertThat(s.address().host()).isEqualTo("db.test");
            assertThat(s.address().port()).isEqualTo(3306);
            assertThat(s.address()).hasToString("db.test:3306");
        }
        // libc first: a name that resolves gets its address at load.
        ServerConfig s = load(
                        config("resolve-interval = 5s", ", init-addr = \"libc,none\""), ConfigTesting.ANY_HOST_IS_LOCAL)
                .listens()
                .get(0)
                .backend()
                .servers()
                .get(0);
        assertThat(s.address().hasAddress()).isTrue();
    }

    @Test
    void initAddrNoneNeedsTheResolversAndAKnownMethod() {
        assertThat(problems(config("", ", init-addr = none"), NO_DNS))
                .containsExactly(problem("listen.db.servers[0].init-addr", "none", NEEDS_RESOLVERS, 2));
        assertThat(problems(config("resolve-interval = 5s", ", init-addr = last"), NO_DNS))
                .containsExactly(problem("listen.db.servers[0].init-addr", "last", "one of libc, libc,none, none", 2));
    }
}
