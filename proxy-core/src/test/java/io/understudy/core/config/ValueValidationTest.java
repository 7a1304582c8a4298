package io.understudy.core.config;

import static io.understudy.core.config.ConfigTesting.DURATION;
import static io.understudy.core.config.ConfigTesting.MINIMAL_LISTEN;
import static io.understudy.core.config.ConfigTesting.problem;
import static io.understudy.core.config.ConfigTesting.problems;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Numbers, booleans, keywords, durations and admin sockets: the exact key, value, expectation and line. */
class ValueValidationTest {
    @Test
    void durationsMustBePositiveAndParse() {
        assertThat(problems(
                        """
                        defaults {
                          retry-delay = 0s
                          timeout {
                            connect = -1s
                            client = soon
                            server = [1s]
                          }
                        }
                        global.hard-stop-after = 0
                        """
                                + MINIMAL_LISTEN))
                .containsExactly(
                        problem("defaults.retry-delay", "0s", DURATION, 2),
                        problem("defaults.timeout.connect", "-1s", DURATION, 4),
                        problem("defaults.timeout.client", "soon", DURATION, 5),
                        problem("defaults.timeout.server", "[\"1s\"]", DURATION, 6),
                        problem("global.hard-stop-after", "0", DURATION, 9));
    }

    @Test
    void numbersMustBeWholeAndInRange() {
        assertThat(
                        problems(
                                """
                        global.io-threads = 2000
                        listen.db {
                          bind = "127.0.0.1:0"
                          maxconn = 0
                          retries = lots
                          servers = [
                            { name = a, address = "127.0.0.1:1", weight = 257 }
                            { name = b, address = "127.0.0.1:1", weight = 1.5, maxconn = -1 }
                          ]
                        }
                        """))
                .containsExactly(
                        problem("global.io-threads", "2000", "an integer from 0 to 1024", 1),
                        problem("listen.db.maxconn", "0", "an integer >= 1", 4),
                        problem("listen.db.retries", "lots", "an integer from 0 to 1000", 5),
                        problem("listen.db.servers[0].weight", "257", "an integer from 0 to 256", 7),
                        problem("listen.db.servers[1].weight", "1.5", "an integer from 0 to 256", 8),
                        problem("listen.db.servers[1].maxconn", "-1", "an integer >= 0", 8));
    }

    @Test
    void booleansAndKeywords() {
        assertThat(
                        problems(
                                """
                        defaults.allbackups = 1
                        listen.db {
                          bind = "127.0.0.1:0"
                          balance = random
                          servers = [ { name = a, address = "127.0.0.1:1", backup = maybe, disabled = [] } ]
                        }
                        """))
                .containsExactly(
                        problem("defaults.allbackups", "1", "true or false", 1),
                        problem("listen.db.balance", "random", "one of first, roundrobin, leastconn", 4),
                        problem("listen.db.servers[0].backup", "maybe", "true or false", 5),
                        problem("listen.db.servers[0].disabled", "[]", "true or false", 5));
    }

    @Test
    void redispatchMustBeABooleanOrAnIntervalWithinRetries() {
        String expected = "true (redispatch on the last retry), false (never), or an integer:"
                + " P > 0 every P-th retry, N < 0 the |N|-th retry before the last";
        assertThat(problems("defaults.redispatch = sometimes\n" + MINIMAL_LISTEN))
                .containsExactly(problem("defaults.redispatch", "sometimes", expected, 1));
        assertThat(problems("defaults.redispatch = -4\n" + MINIMAL_LISTEN))
                .containsExactly(
                        problem("defaults.redispatch", "-4", "true, false, or an integer >= -retries (-3)", 1));
    }

    @Test
    void nullRemovesABuiltInDefaultAndIsReportedAsTheWrongType() {
        assertThat(problems("defaults.retries = null\n" + MINIMAL_LISTEN))
                .containsExactly(problem("defaults.retries", "null", "an integer from 0 to 1000", 1));
    }

    @Test
    void sectionsOfTheWrongType() {
        assertThat(problems("global = 5\ndefaults.timeout = 1s\n" + MINIMAL_LISTEN))
                .containsExactly(
                        problem("global", "5", "an object { ... }", 1),
                        problem("defaults.timeout", "1s", "an object { ... }", 2));
    }

    @Test
    void aDefaultsSectionOfTheWrongTypeIsReportedOnceNotAsEveryMissingSetting() {
        assertThat(problems("defaults = 5\n" + MINIMAL_LISTEN))
                .containsExactly(problem("defaults", "5", "an object { ... }", 1));
    }

    @Test
    void aBadDefaultIsReportedOnceAtTheDefaultsKey() {
        assertThat(
                        problems(
                                """
                        defaults.timeout.server = forever
                        listen.a { bind = "127.0.0.1:0", servers = [ { name = a, address = "127.0.0.1:1" } ] }
                        listen.b { bind = "127.0.0.1:0", servers = [ { name = a, address = "127.0.0.1:1" } ] }
                        """))
                .containsExactly(problem("defaults.timeout.server", "forever", DURATION, 1));
    }

    @Test
    void aBadDefaultIsReportedEvenWhenEveryListenOverridesIt() {
        assertThat(problems("defaults.balance = fastest\nlisten.db.balance = first\n" + MINIMAL_LISTEN))
                .containsExactly(problem("defaults.balance", "fastest", "one of first, roundrobin, leastconn", 1));
    }

    @Test
    void adminSocketProblems() {
        assertThat(
                        problems(
                                MINIMAL_LISTEN
                                        + """
                        admin.sockets = [
                          { path = "/tmp/a.sock", mode = 999 }
                          { path = "/tmp/b.sock", mode = "60", level = root }
                          { mode = "600" }
                          { path = "/tmp/a.sock", user = "" }
                          oops
                        ]
                        """))
                .containsExactly(
                        problem(
                                "admin.sockets[0].mode",
                                "999",
                                "octal permission bits, 3 or 4 digits 0-7 (e.g. \"600\")",
                                6),
                        problem(
                                "admin.sockets[1].mode",
                                "60",
                                "octal permission bits, 3 or 4 digits 0-7 (e.g. \"600\")",
                                7),
                        problem("admin.sockets[1].level", "root", "one of user, operator, admin", 7),
                        problem("admin.sockets[2].path", "", "a socket file path", 8),
                        problem(
                                "admin.sockets[3].path",
                                "/tmp/a.sock",
                                "a path no other socket uses (admin.sockets[0].path uses it)",
                                9),
                        problem("admin.sockets[3].user", "", "a non-empty string", 9),
                        problem(
                                "admin.sockets[4]",
                                "oops",
                                "a socket { path = ..., mode = \"600\", level = ... }",
                                10));
    }

    @Test
    void adminSocketsThatAreNotAList() {
        assertThat(problems(MINIMAL_LISTEN + "admin.sockets { path = \"/tmp/a.sock\" }\n"))
                .containsExactly(problem(
                        "admin.sockets",
                        "{\"path\":\"/tmp/a.sock\"}",
                        "a list of sockets [ { path = \"/run/understudy/admin.sock\", level = admin } ]",
                        5));
    }

    @Test
    void exposeFdIsListenersOnAnAdminSocket() {
        assertThat(
                        problems(
                                MINIMAL_LISTEN
                                        + """
                        admin.sockets = [
                          { path = "/tmp/a.sock", level = admin, expose-fd = all }
                          { path = "/tmp/b.sock", level = operator, expose-fd = listeners }
                        ]
                        """))
                .containsExactly(
                        problem("admin.sockets[0].expose-fd", "all", "one of listeners", 6),
                        problem(
                                "admin.sockets[1].expose-fd",
                                "listeners",
                                "a socket with level = admin (handing the listeners over is an admin's act)",
                                7));
    }
}
