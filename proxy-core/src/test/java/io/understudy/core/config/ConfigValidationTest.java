package io.understudy.core.config;

import static io.understudy.core.config.ConfigTesting.DURATION;
import static io.understudy.core.config.ConfigTesting.MINIMAL_LISTEN;
import static io.understudy.core.config.ConfigTesting.problem;
import static io.understudy.core.config.ConfigTesting.problems;
import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Syntax errors, substitutions, missing files, and many problems reported together. */
class ConfigValidationTest {
    @Test
    void syntaxErrorsBecomeAProblemWithTheirLine() {
        assertThat(problems("listen.db {\n  bind = \"127.0.0.1:0\"\n  servers = [ { name = a },\n}\n"))
                .singleElement()
                .satisfies(p -> {
                    assertThat(p.key()).isEqualTo("(syntax)");
                    assertThat(p.expected()).isEqualTo("valid HOCON syntax");
                    assertThat(p.origin()).isEqualTo("test.conf:4");
                    assertThat(p.value()).startsWith("List should have had new element after a comma");
                });
    }

    @Test
    void everyUnresolvedSubstitutionIsReported() {
        assertThat(
                        problems(
                                """
                        listen.db {
                          bind = ${BIND_ADDR}
                          servers = [ { name = a, address = ${PRIMARY}":3306" } ]
                        }
                        """))
                .containsExactly(
                        problem(
                                "listen.db.bind",
                                "${BIND_ADDR}",
                                "a setting or environment variable that exists (write ${?NAME} to make it optional)",
                                2),
                        problem(
                                "listen.db.servers[0].address",
                                "${PRIMARY}\":3306\"",
                                "a setting or environment variable that exists (write ${?NAME} to make it optional)",
                                3));
    }

    @Test
    void anUnresolvedMergeIsReportedOnOneLineAtItsFirstLine() {
        assertThat(problems(
                        MINIMAL_LISTEN + "listen.db.servers = ${NOPE} [ { name = b, address = \"127.0.0.1:1\" } ]\n"))
                .singleElement()
                .satisfies(p -> {
                    assertThat(p.key()).isEqualTo("listen.db.servers");
                    assertThat(p.origin()).isEqualTo("test.conf:3");
                    assertThat(p.value()).contains("${NOPE}").doesNotContain("\n");
                    assertThat(p.value()).hasSizeLessThanOrEqualTo(80);
                });
    }

    @Test
    void aBadValueFromTheEnvironmentIsBlamedOnTheLineThatAskedForIt() {
        assertThat(problems(
                        """
                        listen.db {
                          bind = "127.0.0.1:0"
                          retries = ${?DB_RETRIES}
                          servers = [ { name = a, address = "127.0.0.1:3306" } ]
                        }
                        """,
                        ConfigFactory.parseMap(Map.of("DB_RETRIES", "many"), "env variables")))
                .containsExactly(problem("listen.db.retries", "many", "an integer from 0 to 1000", 3));
    }

    @Test
    void everyProblemIsReportedTogether() {
        ConfigException e = org.assertj.core.api.Assertions.catchThrowableOfType(
                ConfigException.class,
                () -> ConfigTesting.parse(
                        """
                        global.io-threads = many
                        listen.MySQL {
                          bind = "0.0.0.0:99999"
                          balance = frist
                          timeout { connect = 0s }
                          servers = [
                            { name = Primary, address = "nosuch.invalid:3306" }
                            { name = Primary, address = "127.0.0.1:3306", backup = yes }
                          ]
                        }
                        """));

        assertThat(e.problems())
                .containsExactly(
                        problem("global.io-threads", "many", "an integer from 0 to 1024", 1),
                        problem("listen.MySQL.bind", "0.0.0.0:99999", "a port from 0 to 65535 (0 = any free port)", 3),
                        problem("listen.MySQL.balance", "frist", "one of first, roundrobin, leastconn", 4),
                        problem("listen.MySQL.timeout.connect", "0s", DURATION, 5),
                        problem(
                                "listen.MySQL.servers[0].address",
                                "nosuch.invalid:3306",
                                "a host name that resolves, or an IP address",
                                7),
                        problem(
                                "listen.MySQL.servers[1].name",
                                "Primary",
                                "a name unique in listen.MySQL (servers[0] is also Primary)",
                                8));
        assertThat(e.getMessage())
                .startsWith("test.conf:1: global.io-threads = many: expected an integer from 0 to 1024\n"
                        + "test.conf:3: listen.MySQL.bind = 0.0.0.0:99999: expected a port from 0 to 65535");
    }

    @Test
    void aMissingFileIsAProblemNamingTheFile() {
        java.nio.file.Path missing = java.nio.file.Path.of("no-such-dir", "understudy.conf");
        ConfigException e = org.assertj.core.api.Assertions.catchThrowableOfType(
                ConfigException.class, () -> ConfigLoader.load(missing));

        assertThat(e.problems()).singleElement().satisfies(p -> {
            assertThat(p.key()).isEqualTo("(file)");
            assertThat(p.expected()).isEqualTo("a readable config file");
            assertThat(p.origin()).startsWith(missing.toString());
        });
    }
}
