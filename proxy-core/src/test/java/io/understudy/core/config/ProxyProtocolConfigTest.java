package io.understudy.core.config;

import static io.understudy.core.config.ConfigTesting.parse;
import static io.understudy.core.config.ConfigTesting.problem;
import static io.understudy.core.config.ConfigTesting.problems;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code send-proxy} (server, listen, defaults) and {@code accept-proxy} (listen): good values and bad ones. */
class ProxyProtocolConfigTest {
    private static final String SEND_PROXY =
            "one of v1 (HAProxy's send-proxy), v2 (send-proxy-v2), none (no PROXY protocol header)";

    private static List<ServerConfig> servers(String hocon) throws Exception {
        return parse(hocon).listens().get(0).backend().servers();
    }

    @Test
    void nothingWrittenSendsNoHeaderAndAcceptsNone() throws Exception {
        ProxyConfig c = parse(ConfigTesting.MINIMAL_LISTEN);
        assertThat(c.listens().get(0).backend().servers().get(0).sendProxy()).isEqualTo(SendProxy.NONE);
        assertThat(c.listens().get(0).frontend().acceptProxy()).isFalse();
    }

    @Test
    void eachServerSaysItsOwnVersion() throws Exception {
        assertThat(servers(
                                """
                        listen.db {
                          bind = "127.0.0.1:0"
                          servers = [
                            { name = a, address = "127.0.0.1:3306", send-proxy = v1 }
                            { name = b, address = "127.0.0.1:3307", send-proxy = v2 }
                            { name = c, address = "127.0.0.1:3308", send-proxy = none }
                            { name = d, address = "127.0.0.1:3309" }
                          ]
                        }
                        """)
                        .stream()
                        .map(ServerConfig::sendProxy))
                .containsExactly(SendProxy.V1, SendProxy.V2, SendProxy.NONE, SendProxy.NONE);
    }

    @Test
    void theListenSectionsValueIsEveryServersDefaultAndDefaultsIsTheListens() throws Exception {
        String hocon =
                """
                defaults { send-proxy = v1 }
                listen.db {
                  bind = "127.0.0.1:0"
                  send-proxy = v2
                  servers = [
                    { name = a, address = "127.0.0.1:3306" }
                    { name = b, address = "127.0.0.1:3307", send-proxy = none }
                  ]
                }
                listen.other {
                  bind = "127.0.0.1:0"
                  servers = [ { name = a, address = "127.0.0.1:3306" } ]
                }
                """;
        ProxyConfig c = parse(hocon);
        assertThat(c.listens().get(0).backend().servers().stream().map(ServerConfig::sendProxy))
                .containsExactly(SendProxy.V2, SendProxy.NONE);
        assertThat(c.listens().get(1).backend().servers().get(0).sendProxy()).isEqualTo(SendProxy.V1);
    }

    @Test
    void acceptProxyIsABooleanOfTheListenSection() throws Exception {
        ProxyConfig c = parse(
                """
                listen.db {
                  bind = "127.0.0.1:0"
                  accept-proxy = true
                  servers = [ { name = a, address = "127.0.0.1:3306" } ]
                }
                """);
        assertThat(c.listens().get(0).frontend().acceptProxy()).isTrue();
    }

    @Test
    void aBadServerValueNamesTheKeyTheValueAndTheChoices() {
        assertThat(
                        problems(
                                """
                        listen.db {
                          bind = "127.0.0.1:0"
                          servers = [
                            { name = a, address = "127.0.0.1:3306", send-proxy = true }
                          ]
                        }
                        """))
                .containsExactly(problem("listen.db.servers[0].send-proxy", "true", SEND_PROXY, 4));
    }

    @Test
    void haproxysSpellingIsNotAVersion() {
        assertThat(
                        problems(
                                """
                        listen.db {
                          bind = "127.0.0.1:0"
                          send-proxy = send-proxy-v2
                          servers = [ { name = a, address = "127.0.0.1:3306" }, { name = b, address = "127.0.0.1:3307" } ]
                        }
                        """))
                .containsExactly(problem("listen.db.send-proxy", "send-proxy-v2", SEND_PROXY, 3));
    }

    @Test
    void aBadDefaultIsReportedOnceWhereItWasWritten() {
        assertThat(problems("defaults { send-proxy = V2 }\n" + ConfigTesting.MINIMAL_LISTEN))
                .containsExactly(problem("defaults.send-proxy", "V2", SEND_PROXY, 1));
    }

    @Test
    void acceptProxyMustBeABoolean() {
        assertThat(
                        problems(
                                """
                        listen.db {
                          bind = "127.0.0.1:0"
                          accept-proxy = v2
                          servers = [ { name = a, address = "127.0.0.1:3306" } ]
                        }
                        """))
                .containsExactly(problem("listen.db.accept-proxy", "v2", "true or false", 3));
    }

    @Test
    void acceptProxyBelongsToABindNotToDefaultsNorToAServer() {
        assertThat(
                        problems(
                                """
                        defaults { accept-proxy = true }
                        listen.db {
                          bind = "127.0.0.1:0"
                          servers = [ { name = a, address = "127.0.0.1:3306", accept-proxy = true } ]
                        }
                        """))
                .extracting(ConfigProblem::key)
                .containsExactly("defaults.accept-proxy", "listen.db.servers[0].accept-proxy");
    }

    @Test
    void aTypoIsSuggestedTheRealKey() {
        assertThat(
                        problems(
                                """
                        listen.db {
                          bind = "127.0.0.1:0"
                          servers = [ { name = a, address = "127.0.0.1:3306", send-proxi = v1 } ]
                        }
                        """))
                .containsExactly(problem(
                        "listen.db.servers[0].send-proxi",
                        "v1",
                        "a known key (unknown key; did you mean `send-proxy`?)",
                        3));
    }
}
