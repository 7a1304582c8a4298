package io.understudy.core.config;

import static io.understudy.core.config.ConfigTesting.MINIMAL_LISTEN;
import static io.understudy.core.config.ConfigTesting.problem;
import static io.understudy.core.config.ConfigTesting.problems;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Unknown keys (typos) at every level, with the suggested key, and keys that must not count as unknown. */
class UnknownKeyValidationTest {
    @Test
    void unknownKeySuggestsTheClosestKnownOne() {
        assertThat(
                        problems(
                                """
                        listen.db {
                          bind = "127.0.0.1:0"
                          timeuot { connect = 1s }
                          servers = [ { name = a, address = "127.0.0.1:3306" } ]
                        }
                        """))
                .containsExactly(problem(
                        "listen.db.timeuot",
                        "{\"connect\":\"1s\"}",
                        "a known key (unknown key; did you mean `timeout`?)",
                        3));
    }

    @Test
    void unknownKeyFarFromAnyKnownOneListsTheKnownKeys() {
        assertThat(problems("global { frobnicate = 1 }\n" + MINIMAL_LISTEN))
                .containsExactly(problem(
                        "global.frobnicate",
                        "1",
                        "a known key (unknown key; known keys here: hard-stop-after, io-threads, state-file,"
                                + " log-format, log, resolve-interval)",
                        1));
    }

    @Test
    void anEmptyOrDottedTopLevelKeyIsShownQuoted() {
        // Found by ConfigLoaderFuzzTest: an empty top-level key was reported with an empty key name.
        assertThat(problems("\"\" = 1\n\"a.b\" = 2\n" + MINIMAL_LISTEN))
                .extracting(ConfigProblem::key)
                .containsExactly("\"\"", "\"a.b\"");
    }

    @Test
    void unknownKeysAreFoundAtEveryLevel() {
        assertThat(
                        problems(
                                """
                        listens { }
                        defaults { retrys = 2, timeout { conect = 1s } }
                        listen.db {
                          bind = "127.0.0.1:0"
                          servers = [ { name = a, adress = "127.0.0.1:3306" } ]
                        }
                        admin { socket = [] }
                        admin.sockets = [ { path = "/tmp/a.sock", levle = admin } ]
                        """))
                .containsExactly(
                        problem("listens", "{}", "a known key (unknown key; did you mean `listen`?)", 1),
                        problem("defaults.retrys", "2", "a known key (unknown key; did you mean `retries`?)", 2),
                        problem(
                                "defaults.timeout.conect",
                                "1s",
                                "a known key (unknown key; did you mean `connect`?)",
                                2),
                        problem(
                                "listen.db.servers[0].adress",
                                "127.0.0.1:3306",
                                "a known key (unknown key; did you mean `address`?)",
                                5),
                        problem("listen.db.servers[0].address", "", "host:port or [ipv6]:port", 5),
                        problem("admin.socket", "[]", "a known key (unknown key; did you mean `sockets`?)", 7),
                        problem(
                                "admin.sockets[0].levle",
                                "admin",
                                "a known key (unknown key; did you mean `level`?)",
                                8));
    }

    @Test
    void unknownKeysInACheckBlockAreReportedWithoutTheirValue() {
        // A misspelt key in a block that holds a password may well be the password: its value is never printed.
        assertThat(
                        problems(
                                """
                        listen.db {
                          bind = "127.0.0.1:0"
                          check { intr = 2s, pw = hunter2 }
                          servers = [ { name = a, address = "127.0.0.1:3306", check { fal = 2 } } ]
                        }
                        """))
                .containsExactly(
                        problem(
                                "listen.db.check.intr",
                                "<hidden>",
                                "a known key (unknown key; did you mean `inter`?)",
                                3),
                        problem(
                                "listen.db.check.pw",
                                "<hidden>",
                                "a known key (unknown key; known keys here: enabled, type, user, password, variant,"
                                        + " inter, fastinter, downinter, rise, fall, timeout, spread, initial, query,"
                                        + " require-writable, max-lag, observe, error-limit, on-error)",
                                3),
                        problem(
                                "listen.db.servers[0].check.fal",
                                "<hidden>",
                                "a known key (unknown key; did you mean `fall`?)",
                                4));
    }

    @Test
    void aMisspeltCheckBlockIsShownWithItsPasswordHidden() {
        ConfigException e = org.assertj.core.api.Assertions.catchThrowableOfType(
                ConfigException.class,
                () -> ConfigTesting.parse("defaults.chekc { user = monitor, password = hunter2 }\n" + MINIMAL_LISTEN));

        assertThat(e.problems())
                .containsExactly(problem(
                        "defaults.chekc",
                        "{\"password\":\"<hidden>\",\"user\":\"monitor\"}",
                        "a known key (unknown key; did you mean `check`?)",
                        1));
        assertThat(e.getMessage()).doesNotContain("hunter2");
    }

    @Test
    void keysFromReferenceConfAreNotUnknown() {
        // A partial defaults block merges with reference.conf; none of the merged-in keys may be reported.
        assertThat(problems("defaults { timeout { connect = 2s } }\nglobal.io-threads = -1\n" + MINIMAL_LISTEN))
                .containsExactly(problem("global.io-threads", "-1", "an integer from 0 to 1024", 2));
    }
}
