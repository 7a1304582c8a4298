package io.understudy.core.config;

import static io.understudy.core.config.ConfigTesting.MINIMAL_LISTEN;
import static io.understudy.core.config.ConfigTesting.problems;
import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Each validation rule: the exact key, value as written, expectation and {@code file:line} it reports. */
class ConfigValidationTest {
    private static final String DURATION = "a positive duration such as 100ms, 10s, 1m or 8h";

    private static ConfigProblem problem(String key, String value, String expected, int line) {
        return new ConfigProblem(key, value, expected, "test.conf:" + line);
    }

    // ---- unknown keys

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

    // ---- listen sections and servers

    @Test
    void noListenSectionAtAll() {
        assertThat(problems("global { io-threads = 2 }\n"))
                .containsExactly(new ConfigProblem(
                        "listen", "", "at least one listen.<name> section (HAProxy's `listen <name>`)", "test.conf"));
    }

    @Test
    void emptyListenObject() {
        assertThat(problems("global { io-threads = 2 }\nlisten { }\n"))
                .containsExactly(
                        problem("listen", "", "at least one listen.<name> section (HAProxy's `listen <name>`)", 2));
    }

    @Test
    void listenThatIsNotAnObject() {
        assertThat(problems("listen.db = 5\n"))
                .containsExactly(
                        problem("listen.db", "5", "an object listen.<name> { bind = ..., servers = [ ... ] }", 1));
    }

    @Test
    void listenNameWithASlash() {
        assertThat(
                        problems(
                                """
                        listen."my/db" {
                          bind = "127.0.0.1:0"
                          servers = [ { name = a, address = "127.0.0.1:3306" } ]
                        }
                        """))
                .containsExactly(problem(
                        "listen.\"my/db\"",
                        "my/db",
                        "letters, digits, _ . - only (no / or , which break backend/server addressing and CSV)",
                        1));
    }

    @Test
    void listenWithoutServers() {
        assertThat(problems("listen.db {\n  bind = \"127.0.0.1:0\"\n}\n"))
                .containsExactly(problem("listen.db.servers", "", "at least one server", 1));
    }

    @Test
    void listenWithAnEmptyServerList() {
        assertThat(problems("listen.db {\n  bind = \"127.0.0.1:0\"\n  servers = []\n}\n"))
                .containsExactly(problem("listen.db.servers", "[]", "at least one server", 3));
    }

    @Test
    void serversThatAreNotAList() {
        assertThat(
                        problems(
                                """
                        listen.db {
                          bind = "127.0.0.1:0"
                          servers { name = a, address = "127.0.0.1:3306" }
                        }
                        """))
                .containsExactly(problem(
                        "listen.db.servers",
                        "{\"address\":\"127.0.0.1:3306\",\"name\":\"a\"}",
                        "a list of servers [ { name = ..., address = \"host:port\" } ]",
                        3));
    }

    @Test
    void serverThatIsNotAnObject() {
        assertThat(
                        problems(
                                """
                        listen.db {
                          bind = "127.0.0.1:0"
                          servers = [
                            { name = a, address = "127.0.0.1:3306" }
                            "127.0.0.1:3307"
                          ]
                        }
                        """))
                .containsExactly(problem(
                        "listen.db.servers[1]",
                        "127.0.0.1:3307",
                        "a server { name = ..., address = \"host:port\" }",
                        5));
    }

    @Test
    void serverWithoutNameOrAddress() {
        assertThat(
                        problems(
                                """
                        listen.db {
                          bind = "127.0.0.1:0"
                          servers = [
                            { address = "127.0.0.1:3306" }
                            { name = b }
                          ]
                        }
                        """))
                .containsExactly(
                        problem(
                                "listen.db.servers[0].name",
                                "",
                                "letters, digits, _ . - only (no / or , which break backend/server addressing and"
                                        + " CSV)",
                                4),
                        problem("listen.db.servers[1].address", "", "host:port or [ipv6]:port", 5));
    }

    @Test
    void serverNamesWithSlashOrComma() {
        String expected = "letters, digits, _ . - only (no / or , which break backend/server addressing and CSV)";
        assertThat(
                        problems(
                                """
                        listen.db {
                          bind = "127.0.0.1:0"
                          servers = [
                            { name = "a/b", address = "127.0.0.1:3306" }
                            { name = "c,d", address = "127.0.0.1:3306" }
                            { name = ok_1.x-y, address = "127.0.0.1:3306" }
                          ]
                        }
                        """))
                .containsExactly(
                        problem("listen.db.servers[0].name", "a/b", expected, 4),
                        problem("listen.db.servers[1].name", "c,d", expected, 5));
    }

    @Test
    void duplicateServerNamesInOneBackend() {
        assertThat(
                        problems(
                                """
                        listen.db {
                          bind = "127.0.0.1:0"
                          servers = [
                            { name = Primary, address = "127.0.0.1:3306" }
                            { name = Secondary, address = "127.0.0.1:3307" }
                            { name = Primary, address = "127.0.0.1:3308" }
                          ]
                        }
                        """))
                .containsExactly(problem(
                        "listen.db.servers[2].name",
                        "Primary",
                        "a name unique in listen.db (servers[0] is also Primary)",
                        6));
    }

    @Test
    void theSameServerNameInTwoBackendsIsFine() throws Exception {
        ProxyConfig config = ConfigTesting.parse(
                """
                listen.a { bind = "127.0.0.1:0", servers = [ { name = Primary, address = "127.0.0.1:1" } ] }
                listen.b { bind = "127.0.0.1:0", servers = [ { name = Primary, address = "127.0.0.1:2" } ] }
                """);
        assertThat(config.listens()).hasSize(2);
    }

    // ---- addresses

    @Test
    void serverAddressForms() {
        assertThat(
                        problems(
                                """
                        listen.db {
                          bind = "127.0.0.1:0"
                          servers = [
                            { name = a, address = "127.0.0.1" }
                            { name = b, address = "::1:3306" }
                            { name = c, address = "*:3306" }
                            { name = d, address = "127.0.0.1:0" }
                            { name = e, address = "127.0.0.1:65536" }
                            { name = f, address = "127.0.0.1:mysql" }
                            { name = g, address = 3306 }
                            { name = h, address = "[::1]3306" }
                            { name = i, address = "[::1]:3306" }
                          ]
                        }
                        """))
                .containsExactly(
                        problem("listen.db.servers[0].address", "127.0.0.1", "host:port or [ipv6]:port", 4),
                        problem("listen.db.servers[1].address", "::1:3306", "host:port or [ipv6]:port", 5),
                        problem("listen.db.servers[2].address", "*:3306", "host:port or [ipv6]:port", 6),
                        problem("listen.db.servers[3].address", "127.0.0.1:0", "a port from 1 to 65535", 7),
                        problem("listen.db.servers[4].address", "127.0.0.1:65536", "a port from 1 to 65535", 8),
                        problem("listen.db.servers[5].address", "127.0.0.1:mysql", "a port from 1 to 65535", 9),
                        problem("listen.db.servers[6].address", "3306", "host:port or [ipv6]:port", 10),
                        problem("listen.db.servers[7].address", "[::1]3306", "host:port or [ipv6]:port", 11));
    }

    @Test
    void unresolvableHostNames() {
        long start = System.nanoTime();
        assertThat(
                        problems(
                                """
                        listen.db {
                          bind = "nosuch-bind.invalid:0"
                          servers = [ { name = a, address = "nosuch-server.invalid:3306" } ]
                        }
                        """))
                .containsExactly(
                        problem(
                                "listen.db.bind",
                                "nosuch-bind.invalid:0",
                                "a host name that resolves, or an IP address",
                                2),
                        problem(
                                "listen.db.servers[0].address",
                                "nosuch-server.invalid:3306",
                                "a host name that resolves, or an IP address",
                                3));
        // .invalid is reserved (RFC 6761): resolvers fail it at once, so this test stays fast.
        assertThat(System.nanoTime() - start).isLessThan(5_000_000_000L);
    }

    @Test
    void bindMissingMalformedOrOutOfRange() {
        assertThat(
                        problems(
                                """
                        listen.a { servers = [ { name = a, address = "127.0.0.1:1" } ] }
                        listen.b { bind = "127.0.0.1", servers = [ { name = a, address = "127.0.0.1:1" } ] }
                        listen.c { bind = "127.0.0.1:70000", servers = [ { name = a, address = "127.0.0.1:1" } ] }
                        listen.d { bind = "127.0.0.1:-1", servers = [ { name = a, address = "127.0.0.1:1" } ] }
                        """))
                .containsExactly(
                        problem("listen.a.bind", "", "host:port, [ipv6]:port, *:port or :port", 1),
                        problem("listen.b.bind", "127.0.0.1", "host:port, [ipv6]:port, *:port or :port", 2),
                        problem("listen.c.bind", "127.0.0.1:70000", "a port from 0 to 65535 (0 = any free port)", 3),
                        problem("listen.d.bind", "127.0.0.1:-1", "a port from 0 to 65535 (0 = any free port)", 4));
    }

    @Test
    void twoListensOnTheSameAddressAndPort() {
        assertThat(
                        problems(
                                """
                        listen.a { bind = "127.0.0.1:3306", servers = [ { name = a, address = "127.0.0.1:1" } ] }
                        listen.b { bind = "127.0.0.1:3306", servers = [ { name = a, address = "127.0.0.1:1" } ] }
                        listen.c { bind = "*:3307", servers = [ { name = a, address = "127.0.0.1:1" } ] }
                        listen.d { bind = "127.0.0.1:3307", servers = [ { name = a, address = "127.0.0.1:1" } ] }
                        listen.e { bind = "127.0.0.1:3308", servers = [ { name = a, address = "127.0.0.1:1" } ] }
                        """))
                .containsExactly(
                        problem(
                                "listen.b.bind",
                                "127.0.0.1:3306",
                                "an address:port no other listen binds (listen.a.bind binds 127.0.0.1:3306)",
                                2),
                        problem(
                                "listen.d.bind",
                                "127.0.0.1:3307",
                                "an address:port no other listen binds (listen.c.bind binds 0.0.0.0:3307)",
                                4));
    }

    // ---- numbers, booleans, keywords, durations

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

    // ---- admin sockets

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

    // ---- syntax and substitutions

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

    // ---- several problems at once

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
