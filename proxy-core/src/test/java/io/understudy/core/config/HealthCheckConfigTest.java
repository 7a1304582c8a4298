package io.understudy.core.config;

import static io.understudy.core.config.ConfigTesting.MINIMAL_LISTEN;
import static io.understudy.core.config.ConfigTesting.parse;
import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import io.understudy.core.config.CheckConfig.CheckType;
import io.understudy.core.config.CheckConfig.MySqlVariant;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Valid {@code check} settings: which servers are checked, and each server's effective check, key by key. */
class HealthCheckConfigTest {
    /** reference.conf's check parameters, checking on. */
    private static final CheckConfig CHECKED = new CheckConfig(
            true,
            CheckType.MYSQL,
            "haproxy",
            "",
            MySqlVariant.POST_41,
            Duration.ofSeconds(1),
            Duration.ofMillis(250),
            Duration.ofSeconds(1),
            2,
            3,
            Duration.ofMillis(1500),
            0.1,
            true,
            "SELECT 1",
            false,
            Optional.empty());

    private static final String THREE_SERVERS =
            """
            listen.db {
              bind = "127.0.0.1:0"
              servers = [
                { name = a, address = "127.0.0.1:1" }
                { name = b, address = "127.0.0.1:2", backup = true }
                { name = c, address = "127.0.0.1:3", backup = true }
              ]
            }
            """;

    private static List<CheckConfig> checks(ProxyConfig config, String backend) {
        return config.backend(backend).orElseThrow().servers().stream()
                .map(ServerConfig::check)
                .toList();
    }

    private static List<Boolean> enabled(String hocon) throws ConfigException {
        return checks(parse(hocon), "db").stream().map(CheckConfig::enabled).toList();
    }

    @Test
    void withoutAnyCheckInTheFileNoServerIsCheckedAsInHaproxy() throws Exception {
        // reference.conf holds a check block, but only for its parameter defaults.
        assertThat(checks(parse(THREE_SERVERS), "db")).containsOnly(CheckConfig.disabled());
    }

    @Test
    void checkTrueOnAServerUsesTheBuiltInParameters() throws Exception {
        ProxyConfig config = parse(
                """
                listen.db {
                  bind = "127.0.0.1:0"
                  servers = [ { name = a, address = "127.0.0.1:1", check = true }, { name = b, address = "127.0.0.1:2" } ]
                }
                """);

        assertThat(checks(config, "db")).containsExactly(CHECKED, CheckConfig.disabled());
    }

    @Test
    void aBlockInDefaultsChecksEveryServerOfEveryListen() throws Exception {
        ProxyConfig config = parse("defaults.check { type = mysql, user = haproxy }\n" + THREE_SERVERS
                + "listen.other { bind = \"127.0.0.1:0\", servers = [ { name = x, address = \"127.0.0.1:4\" } ] }\n");

        assertThat(checks(config, "db")).containsOnly(CHECKED);
        assertThat(checks(config, "other")).containsOnly(CHECKED);
    }

    @Test
    void anEmptyBlockOrCheckTrueAtAnyLevelTurnsCheckingOn() throws Exception {
        assertThat(enabled("defaults.check { }\n" + THREE_SERVERS)).containsOnly(true);
        assertThat(enabled("defaults.check = true\n" + THREE_SERVERS)).containsOnly(true);
        assertThat(enabled("defaults.check = \"yes\"\n" + THREE_SERVERS)).containsOnly(true);
        assertThat(enabled(THREE_SERVERS + "listen.db.check = true\n")).containsOnly(true);
        assertThat(enabled(THREE_SERVERS + "listen.db.check.inter = 2s\n")).containsOnly(true);
    }

    @Test
    void checkFalseOnOneServerLeavesTheOthersChecked() throws Exception {
        assertThat(
                        enabled(
                                """
                        defaults.check { user = monitor }
                        listen.db {
                          bind = "127.0.0.1:0"
                          servers = [
                            { name = a, address = "127.0.0.1:1" }
                            { name = b, address = "127.0.0.1:2", check = false }
                            { name = c, address = "127.0.0.1:3", check { enabled = false } }
                          ]
                        }
                        """))
                .containsExactly(true, false, false);
    }

    @Test
    void theNearestLevelWithACheckDecidesWhetherTheServerIsChecked() throws Exception {
        assertThat(
                        enabled(
                                """
                        defaults.check { enabled = false, inter = 5s }
                        listen.db {
                          bind = "127.0.0.1:0"
                          servers = [
                            { name = a, address = "127.0.0.1:1" }
                            { name = b, address = "127.0.0.1:2", check = true }
                            { name = c, address = "127.0.0.1:3", check { inter = 2s } }
                          ]
                        }
                        """))
                .containsExactly(false, true, true);
        assertThat(enabled("defaults.check = true\nlisten.db.check = false\n" + THREE_SERVERS))
                .containsOnly(false);
        assertThat(enabled("defaults.check = false\nlisten.db.check { }\n" + THREE_SERVERS))
                .containsOnly(true);
    }

    @Test
    void parametersMergeKeyByKeyServerOverListenOverDefaultsOverBuiltIns() throws Exception {
        List<CheckConfig> checks = checks(
                parse(
                        """
                        defaults.check { inter = 5s, rise = 5, user = monitor, spread = 0 }
                        listen.db {
                          bind = "127.0.0.1:0"
                          check { inter = 3s, fall = 4 }
                          servers = [
                            { name = a, address = "127.0.0.1:1", check { inter = 500ms, rise = 1 } }
                            { name = b, address = "127.0.0.1:2" }
                          ]
                        }
                        """),
                "db");

        CheckConfig a = checks.get(0);
        assertThat(List.of(a.inter(), a.rise(), a.fall(), a.user(), a.spread()))
                .containsExactly(Duration.ofMillis(500), 1, 4, "monitor", 0.0);
        CheckConfig b = checks.get(1);
        assertThat(List.of(b.inter(), b.rise(), b.fall(), b.user(), b.spread()))
                .containsExactly(Duration.ofSeconds(3), 5, 4, "monitor", 0.0);
        // Everything no level set comes from reference.conf.
        assertThat(List.of(b.type(), b.fastinter(), b.downinter(), b.timeout(), b.initialUp(), b.query()))
                .containsExactly(
                        CheckType.MYSQL,
                        Duration.ofMillis(250),
                        Duration.ofSeconds(1),
                        Duration.ofMillis(1500),
                        true,
                        "SELECT 1");
    }

    @Test
    void everyKeyIsRead() throws Exception {
        ProxyConfig config = parse(
                """
                listen.db {
                  bind = "127.0.0.1:0"
                  servers = [ { name = a, address = "127.0.0.1:1", check {
                    type = sql, user = monitor, password = s3cret, variant = pre-41
                    inter = 2s, fastinter = 100ms, downinter = 5s, rise = 1, fall = 1000, timeout = 3s
                    spread = 0.5, initial = down, query = "SELECT @@read_only", require-writable = true
                    max-lag = 10s
                  } } ]
                }
                """);

        assertThat(checks(config, "db"))
                .containsExactly(new CheckConfig(
                        true,
                        CheckType.SQL,
                        "monitor",
                        "s3cret",
                        MySqlVariant.PRE_41,
                        Duration.ofSeconds(2),
                        Duration.ofMillis(100),
                        Duration.ofSeconds(5),
                        1,
                        1000,
                        Duration.ofSeconds(3),
                        0.5,
                        false,
                        "SELECT @@read_only",
                        true,
                        Optional.of(Duration.ofSeconds(10))));
    }

    @Test
    void typesAndVariantsByKeyword() throws Exception {
        assertThat(checks(parse(THREE_SERVERS + "listen.db.check { type = tcp }\n"), "db"))
                .extracting(CheckConfig::type)
                .containsOnly(CheckType.TCP);
        assertThat(checks(parse(THREE_SERVERS + "listen.db.check { variant = post-41, spread = \"0.25\" }\n"), "db"))
                .extracting(CheckConfig::variant, CheckConfig::spread)
                .containsOnly(org.assertj.core.groups.Tuple.tuple(MySqlVariant.POST_41, 0.25));
    }

    @Test
    void thePasswordMayComeFromTheEnvironment() throws Exception {
        String hocon = "defaults.check { password = ${?CHECK_PASSWORD} }\n" + MINIMAL_LISTEN;

        assertThat(checks(parse(hocon, ConfigFactory.parseMap(Map.of("CHECK_PASSWORD", "from-env"))), "db"))
                .extracting(CheckConfig::password)
                .containsExactly("from-env");
        assertThat(checks(parse(hocon, ConfigFactory.empty()), "db"))
                .extracting(CheckConfig::password, CheckConfig::enabled)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("", true));
        assertThat(checks(parse("defaults.check.password = \"0123\"\n" + MINIMAL_LISTEN), "db"))
                .extracting(CheckConfig::password)
                .containsExactly("0123");
    }

    @Test
    void aLongQueryIsKeptWhole() throws Exception {
        String query = "SELECT 1 FROM heartbeat WHERE ts > NOW() - INTERVAL 5 SECOND AND server_id = @@server_id"
                + " AND @@read_only = 0";

        assertThat(checks(parse("defaults.check { type = sql, query = \"" + query + "\" }\n" + MINIMAL_LISTEN), "db"))
                .extracting(CheckConfig::query)
                .containsExactly(query);
    }

    @Test
    void aLevelThatChangesTheTypeLeavesOuterSqlSettingsUnused() throws Exception {
        List<CheckConfig> checks = checks(
                parse(
                        """
                        defaults.check { type = sql, require-writable = true, max-lag = 5s }
                        listen.db {
                          bind = "127.0.0.1:0"
                          servers = [
                            { name = a, address = "127.0.0.1:1" }
                            { name = b, address = "127.0.0.1:2", check { type = mysql } }
                          ]
                        }
                        """),
                "db");

        assertThat(checks.get(0).requireWritable()).isTrue();
        assertThat(checks.get(0).maxLag()).contains(Duration.ofSeconds(5));
        // The mysql check carries no sql gate, so nothing downstream can act on the inherited leftovers.
        assertThat(checks.get(1).type()).isEqualTo(CheckType.MYSQL);
        assertThat(checks.get(1).requireWritable()).isFalse();
        assertThat(checks.get(1).maxLag()).isEmpty();
    }

    @Test
    void aTimeoutLongerThanTheIntervalIsAllowedAsInHaproxy() throws Exception {
        assertThat(checks(parse(THREE_SERVERS + "listen.db.check { inter = 500ms, timeout = 2s }\n"), "db"))
                .extracting(CheckConfig::inter, CheckConfig::timeout)
                .containsOnly(org.assertj.core.groups.Tuple.tuple(Duration.ofMillis(500), Duration.ofSeconds(2)));
    }

    @Test
    void requireWritableFalseIsFineWithAnyType() throws Exception {
        assertThat(checks(parse(THREE_SERVERS + "listen.db.check { type = tcp, require-writable = false }\n"), "db"))
                .extracting(CheckConfig::requireWritable)
                .containsOnly(false);
    }
}
