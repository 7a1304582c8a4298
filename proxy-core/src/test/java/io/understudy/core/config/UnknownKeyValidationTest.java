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
                        "a known key (unknown key; known keys here: hard-stop-after, io-threads)",
                        1));
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
    void healthChecksAreNotImplementedYetSoCheckIsAnUnknownKey() {
        assertThat(
                        problems(
                                """
                        listen.db {
                          bind = "127.0.0.1:0"
                          check { type = mysql }
                          servers = [ { name = a, address = "127.0.0.1:3306", check = true } ]
                        }
                        """))
                .containsExactly(
                        problem(
                                "listen.db.check",
                                "{\"type\":\"mysql\"}",
                                "a known key (unknown key; known keys here: bind, maxconn, balance, allbackups,"
                                        + " retries, redispatch, retry-delay, timeout, servers)",
                                3),
                        problem(
                                "listen.db.servers[0].check",
                                "true",
                                "a known key (unknown key; known keys here: name, address, backup, weight,"
                                        + " maxconn, disabled)",
                                4));
    }

    @Test
    void keysFromReferenceConfAreNotUnknown() {
        // A partial defaults block merges with reference.conf; none of the merged-in keys may be reported.
        assertThat(problems("defaults { timeout { connect = 2s } }\nglobal.io-threads = -1\n" + MINIMAL_LISTEN))
                .containsExactly(problem("global.io-threads", "-1", "an integer from 0 to 1024", 2));
    }
}
