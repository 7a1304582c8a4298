package io.understudy.core.config;

import static io.understudy.core.config.ConfigTesting.MINIMAL_LISTEN;
import static io.understudy.core.config.ConfigTesting.parse;
import static io.understudy.core.config.ConfigTesting.problem;
import static io.understudy.core.config.ConfigTesting.problems;
import static org.assertj.core.api.Assertions.assertThat;

import io.understudy.core.config.FailoverPolicy.Failback;
import org.junit.jupiter.api.Test;

/** {@code failback}, {@code on-marked-down} and {@code on-marked-up}: defaults, inheritance and bad values. */
class FailoverConfigTest {
    @Test
    void theDefaultsCloseSessionsOnBothFailoverAndFailback() throws Exception {
        assertThat(parse(MINIMAL_LISTEN).backend("db").orElseThrow().failover())
                .isEqualTo(FailoverPolicy.defaults())
                .isEqualTo(new FailoverPolicy(Failback.AUTO, true, true));
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
                .isEqualTo(new FailoverPolicy(Failback.MANUAL, false, true));
        assertThat(config.backend("overrides").orElseThrow().failover())
                .isEqualTo(new FailoverPolicy(Failback.AUTO, false, false));
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
                                "a known key (unknown key; known keys here: name, address, backup, weight, maxconn,"
                                        + " disabled, check)",
                                6));
    }
}
