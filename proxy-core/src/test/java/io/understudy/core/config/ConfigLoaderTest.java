package io.understudy.core.config;

import static io.understudy.core.config.ConfigTesting.ANY_HOST_IS_LOCAL;
import static io.understudy.core.config.ConfigTesting.MINIMAL_LISTEN;
import static io.understudy.core.config.ConfigTesting.local;
import static io.understudy.core.config.ConfigTesting.parse;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.typesafe.config.ConfigFactory;
import java.net.InetSocketAddress;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Valid configurations and the exact records they produce. */
class ConfigLoaderTest {
    private static Path fixture(String name) throws URISyntaxException {
        return Path.of(ConfigLoaderTest.class.getResource("/config/" + name).toURI());
    }

    @Test
    void theClassicSetupProducesTheExactRecords() throws Exception {
        Path file = fixture("valid.conf");

        ProxyConfig config = ConfigLoader.load(file, ConfigFactory.empty(), HostResolver.system());

        InetSocketAddress bind = new InetSocketAddress(ConfigTesting.local(0).getAddress(), 0);
        ServerConfig primary =
                new ServerConfig("Primary", 1, new HostPort("127.0.0.1", 3307, local(3307)), false, 1, 0, false);
        ServerConfig secondary =
                new ServerConfig("Secondary", 2, new HostPort("127.0.0.1", 3308, local(3308)), true, 1, 0, false);
        ProxyConfig expected = new ProxyConfig(
                new GlobalConfig(Duration.ofSeconds(10), 2),
                List.of(new ListenConfig(
                        new FrontendConfig("MySQL", new HostPort("127.0.0.1", 0, bind), 2000, Duration.ofMinutes(1)),
                        new BackendConfig(
                                "MySQL",
                                Balance.FIRST,
                                false,
                                2,
                                -1,
                                Duration.ofMillis(100),
                                Duration.ofSeconds(10),
                                Duration.ofMinutes(1),
                                List.of(primary, secondary)))),
                new AdminConfig(List.of(new AdminSocketConfig(
                        Path.of("/run/understudy/admin.sock"),
                        "600",
                        Optional.empty(),
                        Optional.empty(),
                        AdminSocketConfig.Level.ADMIN))),
                file.toString());
        assertThat(config).isEqualTo(expected);
        assertThat(primary.address()).hasToString("127.0.0.1:3307");
    }

    @Test
    void everythingLeftOutComesFromReferenceConf() throws Exception {
        ProxyConfig config = parse(MINIMAL_LISTEN);

        assertThat(config.global()).isEqualTo(new GlobalConfig(Duration.ofSeconds(30), 0));
        assertThat(config.admin().sockets()).isEmpty();
        assertThat(config.source()).isEqualTo("test.conf");
        ListenConfig listen = config.listens().get(0);
        assertThat(listen.frontend())
                .isEqualTo(new FrontendConfig("db", new HostPort("127.0.0.1", 0, local(0)), 2000, Duration.ofHours(8)));
        BackendConfig backend = listen.backend();
        assertThat(backend.balance()).isEqualTo(Balance.FIRST);
        assertThat(backend.allBackups()).isFalse();
        assertThat(backend.retries()).isEqualTo(3);
        assertThat(backend.redispatch()).isEqualTo(-1);
        assertThat(backend.retryDelay()).isEqualTo(Duration.ofMillis(100));
        assertThat(backend.connectTimeout()).isEqualTo(Duration.ofMillis(1500));
        assertThat(backend.serverTimeout()).isEqualTo(Duration.ofHours(8));
        assertThat(backend.servers())
                .containsExactly(
                        new ServerConfig("a", 1, new HostPort("127.0.0.1", 3306, local(3306)), false, 1, 0, false));
    }

    @Test
    void listenSectionsFallBackToDefaultsAndMayOverrideEachSetting() throws Exception {
        ProxyConfig config = parse(
                """
                defaults {
                  maxconn = 50, balance = leastconn, allbackups = true, retries = 5, redispatch = 2
                  retry-delay = 250ms
                  timeout { connect = 2s, client = 30m, server = 40m }
                }
                listen.inherits {
                  bind = "127.0.0.1:0"
                  servers = [ { name = a, address = "127.0.0.1:3306" } ]
                }
                listen.overrides {
                  bind = "127.0.0.1:0"
                  maxconn = 7, balance = roundrobin, allbackups = false, retries = 1, redispatch = false
                  retry-delay = 5ms
                  timeout { client = 3s, queue = 4s }
                  servers = [ { name = a, address = "127.0.0.1:3306" } ]
                }
                """);

        BackendConfig inherits = config.backend("inherits").orElseThrow();
        assertThat(config.listens().get(0).frontend().maxconn()).isEqualTo(50);
        assertThat(config.listens().get(0).frontend().clientTimeout()).isEqualTo(Duration.ofMinutes(30));
        assertThat(inherits.balance()).isEqualTo(Balance.LEASTCONN);
        assertThat(inherits.allBackups()).isTrue();
        assertThat(inherits.retries()).isEqualTo(5);
        assertThat(inherits.redispatch()).isEqualTo(2);
        assertThat(inherits.retryDelay()).isEqualTo(Duration.ofMillis(250));
        assertThat(inherits.connectTimeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(inherits.serverTimeout()).isEqualTo(Duration.ofMinutes(40));
        // No timeout.queue anywhere: HAProxy's rule, timeout connect.
        assertThat(inherits.queueTimeout()).isEqualTo(Duration.ofSeconds(2));

        BackendConfig overrides = config.backend("overrides").orElseThrow();
        assertThat(config.listens().get(1).frontend().maxconn()).isEqualTo(7);
        assertThat(config.listens().get(1).frontend().clientTimeout()).isEqualTo(Duration.ofSeconds(3));
        assertThat(overrides.balance()).isEqualTo(Balance.ROUNDROBIN);
        assertThat(overrides.allBackups()).isFalse();
        assertThat(overrides.retries()).isEqualTo(1);
        assertThat(overrides.redispatch()).isZero();
        assertThat(overrides.retryDelay()).isEqualTo(Duration.ofMillis(5));
        // Only timeout.client was overridden: the other two still come from defaults.
        assertThat(overrides.connectTimeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(overrides.serverTimeout()).isEqualTo(Duration.ofMinutes(40));
        assertThat(overrides.queueTimeout()).isEqualTo(Duration.ofSeconds(4));
    }

    @Test
    void withoutTimeoutQueueASessionWaitsAsLongAsTheChecksTakeToDecideAboutAHungServer() throws Exception {
        ProxyConfig config = parse(
                """
                listen.checked {
                  bind = "127.0.0.1:0"
                  check { type = mysql, inter = 2s, fastinter = 100ms, timeout = 500ms, fall = 4 }
                  servers = [ { name = a, address = "127.0.0.1:3306" }, { name = b, address = "127.0.0.1:3307", backup = true } ]
                }
                listen.unchecked {
                  bind = "127.0.0.1:0"
                  timeout { connect = 3s }
                  servers = [ { name = a, address = "127.0.0.1:3306" } ]
                }
                """);
        // inter + fall x timeout + (fall - 1) x fastinter = 2s + 2s + 300ms.
        assertThat(config.backend("checked").orElseThrow().queueTimeout()).isEqualTo(Duration.ofMillis(4300));
        // No check to wait for: HAProxy's default, timeout connect.
        assertThat(config.backend("unchecked").orElseThrow().queueTimeout()).isEqualTo(Duration.ofSeconds(3));
    }

    @Test
    void liveErrorsAreHaproxysObserveErrorLimitAndOnError() throws Exception {
        ProxyConfig config = parse(
                """
                listen.tuned {
                  bind = "127.0.0.1:0"
                  check { type = mysql, error-limit = 3, on-error = mark-down }
                  servers = [ { name = a, address = "127.0.0.1:3306" },
                              { name = b, address = "127.0.0.1:3307", check { observe = none } } ]
                }
                listen.plain {
                  bind = "127.0.0.1:0"
                  check { type = mysql }
                  servers = [ { name = a, address = "127.0.0.1:3306" } ]
                }
                """);
        List<ServerConfig> tuned = config.backend("tuned").orElseThrow().servers();
        assertThat(tuned.get(0).check().liveErrors()).isEqualTo(new LiveErrors(true, 3, LiveErrors.OnError.MARK_DOWN));
        assertThat(tuned.get(1).check().liveErrors().observe()).isFalse();
        assertThat(config.backend("plain")
                        .orElseThrow()
                        .servers()
                        .get(0)
                        .check()
                        .liveErrors())
                .isEqualTo(LiveErrors.DEFAULT);
    }

    @Test
    void listensKeepFileOrderAndServersKeepDeclarationOrderWithOneBasedIds() throws Exception {
        ProxyConfig config = parse(
                """
                listen.zeta { bind = "127.0.0.1:0", servers = [ { name = z, address = "127.0.0.1:1" } ] }
                listen.alpha {
                  bind = "127.0.0.1:0"
                  servers = [
                    { name = s3, address = "127.0.0.1:3", backup = true }
                    { name = s1, address = "127.0.0.1:1", weight = 0, maxconn = 10, disabled = true }
                    { name = s2, address = "127.0.0.1:2", backup = true, weight = 256 }
                  ]
                }
                listen.mid { bind = "127.0.0.1:0", servers = [ { name = m, address = "127.0.0.1:1" } ] }
                """);

        assertThat(config.listens()).extracting(ListenConfig::name).containsExactly("zeta", "alpha", "mid");
        assertThat(config.backend("alpha").orElseThrow().servers())
                .containsExactly(
                        new ServerConfig("s3", 1, new HostPort("127.0.0.1", 3, local(3)), true, 1, 0, false),
                        new ServerConfig("s1", 2, new HostPort("127.0.0.1", 1, local(1)), false, 0, 10, true),
                        new ServerConfig("s2", 3, new HostPort("127.0.0.1", 2, local(2)), true, 256, 0, false));
    }

    @Test
    void redispatchTakesTrueFalseOrAnInterval() throws Exception {
        assertThat(redispatch("true")).isEqualTo(-1);
        assertThat(redispatch("false")).isZero();
        assertThat(redispatch("3")).isEqualTo(3);
        assertThat(redispatch("-2")).isEqualTo(-2);
        assertThat(redispatch("-3")).isEqualTo(-3); // retries = 3: the first retry
        assertThat(redispatch("\"yes\"")).isEqualTo(-1);
    }

    private static int redispatch(String value) throws ConfigException {
        return parse("defaults.redispatch = " + value + "\n" + MINIMAL_LISTEN)
                .backend("db")
                .orElseThrow()
                .redispatch();
    }

    @Test
    void bindAcceptsWildcardsIpv6AndPortZero() throws Exception {
        assertThat(bind("*:0")).isEqualTo(new HostPort("0.0.0.0", 0, new InetSocketAddress("0.0.0.0", 0)));
        assertThat(bind(":0")).isEqualTo(new HostPort("0.0.0.0", 0, new InetSocketAddress("0.0.0.0", 0)));
        assertThat(bind("[::1]:0")).isEqualTo(new HostPort("::1", 0, new InetSocketAddress("::1", 0)));
        assertThat(bind("localhost:0").resolved().getAddress().isLoopbackAddress())
                .isTrue();
        // RFC 5952 short form, as HAProxy prints IPv6 addresses in show stat and show servers state.
        assertThat(bind("[::1]:3306")).hasToString("[::1]:3306");
    }

    private static HostPort bind(String bind) throws ConfigException {
        return parse("listen.db { bind = \"" + bind + "\", servers = [ { name = a, address = \"127.0.0.1:1\" } ] }")
                .listens()
                .get(0)
                .frontend()
                .bind();
    }

    @Test
    void environmentVariablesOverrideValuesThroughOptionalSubstitutions() throws Exception {
        String hocon =
                """
                listen.db {
                  bind = "127.0.0.1:0"
                  retries = 3
                  retries = ${?DB_RETRIES}
                  servers = [ { name = a, address = "127.0.0.1:3306", address = ${?PRIMARY} } ]
                }
                """;

        ProxyConfig overridden = parse(
                hocon, ConfigFactory.parseMap(Map.of("DB_RETRIES", "7", "PRIMARY", "127.0.0.1:4000", "HOME", "/root")));
        ProxyConfig unset = parse(hocon, ConfigFactory.empty());

        BackendConfig backend = overridden.backend("db").orElseThrow();
        assertThat(backend.retries()).isEqualTo(7);
        assertThat(backend.servers().get(0).address().port()).isEqualTo(4000);
        assertThat(unset.backend("db").orElseThrow().retries()).isEqualTo(3);
        assertThat(unset.backend("db").orElseThrow().servers().get(0).address().port())
                .isEqualTo(3306);
    }

    @Test
    void environmentVariablesNeverCountAsUnknownKeys() throws Exception {
        // Every variable of the real environment is offered; none of them may surface as a key of the config.
        ProxyConfig config = ConfigLoader.parse(
                "global.io-threads = ${?NO_SUCH_VARIABLE_HOPEFULLY}\n" + MINIMAL_LISTEN,
                "test.conf",
                ConfigFactory.systemEnvironment().withFallback(ConfigFactory.parseMap(Map.of("listen", "x"))),
                HostResolver.system());

        assertThat(config.listens()).hasSize(1);
        assertThat(config.global().ioThreads()).isZero();
    }

    @Test
    void substitutionsMayReferToOtherSettings() throws Exception {
        ProxyConfig config = parse(
                """
                defaults.timeout.server = ${defaults.timeout.client}
                defaults.timeout.client = 2h
                """
                        + MINIMAL_LISTEN);

        assertThat(config.backend("db").orElseThrow().serverTimeout()).isEqualTo(Duration.ofHours(2));
    }

    @Test
    void includesAreReadRelativeToTheFileAndProblemsNameTheIncludedFile() throws Exception {
        Path file = fixture("with-include.conf");
        ConfigException e = catchThrowableOfType(
                ConfigException.class, () -> ConfigLoader.load(file, ConfigFactory.empty(), HostResolver.system()));

        String included = fixture("included-listen.conf").toString();
        assertThat(e.problems())
                .containsExactly(new ConfigProblem(
                        "listen.Included.retries", "many", "an integer from 0 to 1000", included + ":4"));
    }

    @Test
    void includedSettingsAreUsed(@TempDir Path dir) throws Exception {
        Path main = dir.resolve("main.conf");
        Files.writeString(dir.resolve("servers.conf"), "servers = [ { name = a, address = \"127.0.0.1:3306\" } ]\n");
        Files.writeString(main, "global.io-threads = 3\nlisten.db { include \"servers.conf\"\n bind = \":0\" }\n");

        ProxyConfig config = ConfigLoader.load(main, ConfigFactory.empty(), HostResolver.system());

        assertThat(config.global().ioThreads()).isEqualTo(3);
        assertThat(config.backend("db").orElseThrow().servers())
                .extracting(ServerConfig::name)
                .containsExactly("a");
        assertThat(config.source()).isEqualTo(main.toString());
    }

    @Test
    void theShippedExampleUsesOnlyValidKeys() throws Exception {
        Path shipped = Path.of("..", "conf", "understudy.conf");
        assertThat(shipped).exists();

        ProxyConfig config = ConfigLoader.load(shipped, ConfigFactory.empty(), ANY_HOST_IS_LOCAL);

        ListenConfig mysql = config.listens().get(0);
        assertThat(mysql.name()).isEqualTo("MySQL");
        assertThat(mysql.frontend().bind().port()).isEqualTo(3306);
        assertThat(mysql.backend().servers())
                .extracting(ServerConfig::name, s -> s.address().host(), ServerConfig::backup)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("Primary", "primary.example.com", false),
                        org.assertj.core.groups.Tuple.tuple("Secondary", "secondary.example.com", true));
        assertThat(config.admin().sockets())
                .extracting(AdminSocketConfig::level)
                .containsExactly(AdminSocketConfig.Level.ADMIN);
    }

    @Test
    void theShippedExampleStatesTheBuiltInDefaults() throws Exception {
        // The example documents the defaults by repeating them; a drift between the two would mislead operators.
        ProxyConfig shipped =
                ConfigLoader.load(Path.of("..", "conf", "understudy.conf"), ConfigFactory.empty(), ANY_HOST_IS_LOCAL);
        ProxyConfig builtIn = parse(MINIMAL_LISTEN);

        assertThat(shipped.global()).isEqualTo(builtIn.global());
        BackendConfig a = shipped.listens().get(0).backend();
        BackendConfig b = builtIn.listens().get(0).backend();
        assertThat(List.of(a.balance(), a.allBackups(), a.retries(), a.redispatch(), a.retryDelay()))
                .isEqualTo(List.of(b.balance(), b.allBackups(), b.retries(), b.redispatch(), b.retryDelay()));
        assertThat(shipped.listens().get(0).frontend().maxconn())
                .isEqualTo(builtIn.listens().get(0).frontend().maxconn());
        assertThat(a.failover()).isEqualTo(b.failover());
        // Its check block is commented out: servers stay unchecked until the operator has created the check user.
        assertThat(a.servers()).extracting(ServerConfig::check).containsOnly(CheckConfig.disabled());
    }

    @Test
    void theShippedExamplesCheckBlockIsValidOnceUncommented() throws Exception {
        String text = Files.readString(Path.of("..", "conf", "understudy.conf"));
        String block = "  # check {\n  #   type = mysql\n  #   user = haproxy\n  # }\n";
        assertThat(text).contains(block);

        ProxyConfig config = ConfigLoader.parse(
                text.replace(block, block.replace("# ", "")),
                "understudy.conf",
                ConfigFactory.empty(),
                ANY_HOST_IS_LOCAL);

        assertThat(config.listens().get(0).backend().servers())
                .extracting(s -> s.check().enabled(), s -> s.check().type(), s -> s.check()
                        .user())
                .containsOnly(org.assertj.core.groups.Tuple.tuple(true, CheckConfig.CheckType.MYSQL, "haproxy"));
    }

    @Test
    void adminSocketsDefaultToModeSixHundredAndOperatorLevel() throws Exception {
        ProxyConfig config = parse(
                MINIMAL_LISTEN
                        + """
                admin.sockets = [
                  { path = "/tmp/a.sock" }
                  { path = "/tmp/b.sock", mode = 660, user = haproxy, group = "mysql", level = user }
                  { path = "/tmp/c.sock", mode = "0640" }
                ]
                """);

        assertThat(config.admin().sockets())
                .containsExactly(
                        new AdminSocketConfig(
                                Path.of("/tmp/a.sock"),
                                "600",
                                Optional.empty(),
                                Optional.empty(),
                                AdminSocketConfig.Level.OPERATOR),
                        new AdminSocketConfig(
                                Path.of("/tmp/b.sock"),
                                "660",
                                Optional.of("haproxy"),
                                Optional.of("mysql"),
                                AdminSocketConfig.Level.USER),
                        new AdminSocketConfig(
                                Path.of("/tmp/c.sock"),
                                "0640",
                                Optional.empty(),
                                Optional.empty(),
                                AdminSocketConfig.Level.OPERATOR));
    }

    @Test
    void publicParseUsesTheRealEnvironmentAndDns() throws Exception {
        ProxyConfig config = ConfigLoader.parse(MINIMAL_LISTEN, "inline");

        assertThat(config.source()).isEqualTo("inline");
    }
}
