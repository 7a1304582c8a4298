package io.understudy.core.config;

import static io.understudy.core.config.ConfigTesting.DURATION;
import static io.understudy.core.config.ConfigTesting.MINIMAL_LISTEN;
import static io.understudy.core.config.ConfigTesting.problem;
import static io.understudy.core.config.ConfigTesting.problems;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import org.junit.jupiter.api.Test;

/** Bad {@code check} settings: the exact key, value, expectation and line, and passwords never shown. */
class HealthCheckValidationTest {
    private static final String PASSWORD =
            "a quoted string (\"\" for no password; unquoted, HOCON reads 0123 as the number 123)";
    private static final String CHECK = "true, false, or an object check { type = mysql, user = ..., inter = 1s, ... }";

    @Test
    void checkMustBeABooleanOrABlock() {
        assertThat(
                        problems(
                                """
                        defaults.check = maybe
                        listen.db {
                          bind = "127.0.0.1:0"
                          check = [ mysql ]
                          servers = [ { name = a, address = "127.0.0.1:1", check = 1 } ]
                        }
                        """))
                .containsExactly(
                        problem("defaults.check", "maybe", CHECK, 1),
                        problem("listen.db.check", "[\"mysql\"]", CHECK, 4),
                        problem("listen.db.servers[0].check", "1", CHECK, 5));
    }

    @Test
    void everyValueIsValidatedWhereItIsWritten() {
        assertThat(problems(
                        """
                        defaults.check {
                          type = ping
                          variant = post-80
                          user = ""
                          inter = 0s
                          fastinter = soon
                          downinter = -1s
                          rise = 0
                          fall = 1001
                          timeout = 0
                          spread = 0.6
                          initial = sideways
                          query = ""
                          require-writable = maybe
                          max-lag = 0s
                          enabled = 2
                        }
                        """
                                + MINIMAL_LISTEN))
                .containsExactly(
                        problem("defaults.check.type", "ping", "one of tcp, mysql, sql", 2),
                        problem("defaults.check.variant", "post-80", "one of post-41, pre-41", 3),
                        problem("defaults.check.user", "", "a non-empty string", 4),
                        problem("defaults.check.inter", "0s", DURATION, 5),
                        problem("defaults.check.fastinter", "soon", DURATION, 6),
                        problem("defaults.check.downinter", "-1s", DURATION, 7),
                        problem("defaults.check.rise", "0", "an integer from 1 to 1000", 8),
                        problem("defaults.check.fall", "1001", "an integer from 1 to 1000", 9),
                        problem("defaults.check.timeout", "0", DURATION, 10),
                        problem(
                                "defaults.check.spread",
                                "0.6",
                                "a fraction from 0 to 0.5 of the interval (e.g. 0.1)",
                                11),
                        problem("defaults.check.initial", "sideways", "one of up, down", 12),
                        problem("defaults.check.query", "", "a non-empty string", 13),
                        problem("defaults.check.require-writable", "maybe", "true or false", 14),
                        problem("defaults.check.max-lag", "0s", DURATION, 15),
                        problem("defaults.check.enabled", "2", "true or false", 16));
    }

    @Test
    void spreadMustBeAPlainFraction() {
        String expected = "a fraction from 0 to 0.5 of the interval (e.g. 0.1)";
        assertThat(problems("defaults.check.spread = -0.1\n" + MINIMAL_LISTEN))
                .containsExactly(problem("defaults.check.spread", "-0.1", expected, 1));
        assertThat(problems("defaults.check.spread = \"10%\"\n" + MINIMAL_LISTEN))
                .containsExactly(problem("defaults.check.spread", "10%", expected, 1));
        assertThat(problems("defaults.check.spread = NaN\n" + MINIMAL_LISTEN))
                .containsExactly(problem("defaults.check.spread", "NaN", expected, 1));
    }

    @Test
    void problemsAreFoundAtListenAndServerLevelToo() {
        assertThat(
                        problems(
                                """
                        listen.db {
                          bind = "127.0.0.1:0"
                          check { rise = many }
                          servers = [
                            { name = a, address = "127.0.0.1:1", check { inter = never } }
                            { name = b, address = "127.0.0.1:2", check { type = sql }, backup = true }
                          ]
                        }
                        """))
                .containsExactly(
                        problem("listen.db.check.rise", "many", "an integer from 1 to 1000", 3),
                        problem("listen.db.servers[0].check.inter", "never", DURATION, 5));
    }

    @Test
    void aBadDefaultIsReportedOnceEvenWhenEveryServerOverridesIt() {
        assertThat(
                        problems(
                                """
                        defaults.check { fall = 0 }
                        listen.a { bind = "127.0.0.1:0", servers = [ { name = a, address = "127.0.0.1:1" } ] }
                        listen.b {
                          bind = "127.0.0.1:0"
                          servers = [ { name = a, address = "127.0.0.1:1", check { fall = 2 } } ]
                        }
                        """))
                .containsExactly(problem("defaults.check.fall", "0", "an integer from 1 to 1000", 1));
    }

    @Test
    void aPasswordIsNeverShown() {
        String hocon =
                """
                listen.db {
                  bind = "127.0.0.1:0"
                  check { password = [ hunter2 ] }
                  servers = [ { name = a, address = "127.0.0.1:1", check { pasword = hunter2 } } ]
                }
                """;
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> ConfigTesting.parse(hocon));

        assertThat(e.problems())
                .containsExactly(
                        problem("listen.db.check.password", "<hidden>", PASSWORD, 3),
                        problem(
                                "listen.db.servers[0].check.pasword",
                                "<hidden>",
                                "a known key (unknown key; did you mean `password`?)",
                                4));
        assertThat(e.getMessage()).doesNotContain("hunter2");
    }

    @Test
    void anUnquotedNumberIsNotTakenAsAPasswordBecauseHoconWouldDropItsLeadingZero() {
        assertThat(problems("defaults.check.password = 0123\n" + MINIMAL_LISTEN))
                .containsExactly(problem("defaults.check.password", "<hidden>", PASSWORD, 1));
    }

    @Test
    void aMissingPasswordVariableIsReportedWithoutShowingTheValue() {
        // The line names the ${...}; the rendering could carry literal parts of a password, so it is hidden too.
        assertThat(problems("defaults.check.password = \"pre\"${CHECK_PASSWORD}\n" + MINIMAL_LISTEN))
                .containsExactly(problem(
                        "defaults.check.password",
                        "<hidden>",
                        "a setting or environment variable that exists (write ${?NAME} to make it optional)",
                        1));
    }

    @Test
    void sqlOnlySettingsNeedTypeSql() {
        assertThat(problems("defaults.check { require-writable = true }\n" + MINIMAL_LISTEN))
                .containsExactly(problem(
                        "defaults.check.require-writable",
                        "true",
                        "type = sql for require-writable (type = mysql, the default)",
                        1));
        assertThat(
                        problems(
                                """
                        listen.db {
                          bind = "127.0.0.1:0"
                          check { type = tcp, max-lag = 5s }
                          servers = [ { name = a, address = "127.0.0.1:1", check { query = "SELECT 2" } } ]
                        }
                        """))
                .containsExactly(
                        problem(
                                "listen.db.check.max-lag",
                                "5s",
                                "type = sql for max-lag (type = tcp at listen.db.check.type)",
                                3),
                        problem(
                                "listen.db.servers[0].check.query",
                                "SELECT 2",
                                "type = sql for query (type = tcp at listen.db.check.type)",
                                4));
    }
}
