package io.understudy.core.config;

import static io.understudy.core.config.ConfigTesting.problem;
import static io.understudy.core.config.ConfigTesting.problems;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Listen sections, their servers and addresses: the exact key, value, expectation and {@code file:line}. */
class ListenValidationTest {
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
}
