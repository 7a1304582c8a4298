package io.understudy.core.config;

import static io.understudy.core.config.ConfigTesting.MINIMAL_LISTEN;
import static io.understudy.core.config.ConfigTesting.parse;
import static io.understudy.core.config.ConfigTesting.problem;
import static io.understudy.core.config.ConfigTesting.problems;
import static org.assertj.core.api.Assertions.assertThat;

import io.understudy.core.config.FailoverPolicy.Failback;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** {@code failback}, {@code on-marked-down} and {@code on-marked-up}: defaults, inheritance and bad values. */
class FailoverConfigTest {
    static final Duration TWO_S = Duration.ofSeconds(2);
    static final Duration ONE_S = Duration.ofSeconds(1);

    @Test
    void theDefaultsCloseSessionsOnBothFailoverAndFailback() throws Exception {
        assertThat(parse(MINIMAL_LISTEN).backend("db").orElseThrow().failover())
                .isEqualTo(FailoverPolicy.defaults())
                .isEqualTo(new FailoverPolicy(Failback.AUTO, true, true, Duration.ofSeconds(2), Duration.ofSeconds(1)));
    }

    @Test
    void aListenSectionInheritsFromDefaultsAndMayOverrideEachKey() throws Exception {
        ProxyConfig config = parse(
                """
                defaults { failback = manual, on-marked-down = none }
                listen.inherits { bind = "127.0.0.1:0", servers = [ { name = a, address = "127.0.0.1:1" } ] }
                listen.overrides {
                  bind = "127.0.0.1:0"
                  failback = auto
                  on-marked-up = none
                  servers = [ { name = a, address = "127.0.0.1:1" } ]
                }
                """);

        assertThat(config.backend("inherits").orElseThrow().failover())
                .isEqualTo(new FailoverPolicy(Failback.MANUAL, false, true, TWO_S, ONE_S));
        assertThat(config.backend("overrides").orElseThrow().failover())
                .isEqualTo(new FailoverPolicy(Failback.AUTO, false, false, TWO_S, ONE_S));
    }

    @Test
    void explicitDefaultsReadTheSame() throws Exception {
        ProxyConfig config = parse("defaults { failback = auto, on-marked-down = shutdown-sessions"
                + ", on-marked-up = shutdown-backup-sessions }\n"
                + MINIMAL_LISTEN);

        assertThat(config.backend("db").orElseThrow().failover()).isEqualTo(FailoverPolicy.defaults());
    }

    @Test
    void badValuesAreReportedWhereWritten() {
        assertThat(
                        problems(
                                """
                        defaults.failback = never
                        listen.db {
                          bind = "127.0.0.1:0"
                          on-marked-down = kill
                          on-marked-up = true
                          servers = [ { name = a, address = "127.0.0.1:1", failback = manual } ]
                        }
                        """))
                .containsExactly(
                        problem("defaults.failback", "never", "one of auto, manual", 1),
                        problem("listen.db.on-marked-down", "kill", "one of shutdown-sessions, none", 4),
                        problem("listen.db.on-marked-up", "true", "one of shutdown-backup-sessions, none", 5),
                        problem(
                                "listen.db.servers[0].failback",
                                "manual",
                                "a known key (unknown key; known keys here: name, address, init-addr, backup, weight,"
                                        + " maxconn, disabled, check, send-proxy)",
                                6));
    }

    @Test
    void failbackDelayDrainAndGreetingAreReadWithTheirUnits() throws Exception {
        ProxyConfig config = parse(
                """
                defaults { failback-delay = 0, timeout { drain = 3s, greeting = 250ms } }
                listen.db { bind = "127.0.0.1:0", failback-delay = 5s, servers = [ { name = a, address = "127.0.0.1:1" } ] }
                listen.other { bind = "127.0.0.1:0", timeout.greeting = auto, servers = [ { name = a, address = "127.0.0.1:1" } ] }
                """);

        BackendConfig db = config.backend("db").orElseThrow();
        assertThat(db.failover().failbackDelay()).isEqualTo(Duration.ofSeconds(5));
        assertThat(db.failover().drainTimeout()).isEqualTo(Duration.ofSeconds(3));
        assertThat(db.greetingTimeout()).contains(Duration.ofMillis(250));
        BackendConfig other = config.backend("other").orElseThrow();
        assertThat(other.failover().failbackDelay()).isEqualTo(Duration.ZERO);
        assertThat(other.greetingTimeout()).isEmpty();
        assertThat(parse(MINIMAL_LISTEN).backend("db").orElseThrow().greetingTimeout())
                .as("auto by default")
                .isEmpty();
    }

    @Test
    void badFailbackDelayDrainAndGreetingAreReportedWhereWritten() {
        assertThat(
                        problems(
                                """
                        defaults.failback-delay = -1s
                        listen.db {
                          bind = "127.0.0.1:0"
                          timeout { drain = 0, greeting = soon }
                          servers = [ { name = a, address = "127.0.0.1:1" } ]
                        }
                        """))
                .containsExactlyInAnyOrder(
                        problem(
                                "defaults.failback-delay",
                                "-1s",
                                "0 or a positive duration such as 100ms, 2s or 1m",
                                1),
                        problem("listen.db.timeout.drain", "0", "a positive duration such as 100ms, 10s, 1m or 8h", 4),
                        problem(
                                "listen.db.timeout.greeting",
                                "soon",
                                "auto, or a duration of at least 1ms such as 300ms or 2s",
                                4));
    }
}
