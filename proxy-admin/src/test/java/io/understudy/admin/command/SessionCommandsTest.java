package io.understudy.admin.command;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.understudy.core.config.AdminSocketConfig.Level;
import io.understudy.core.config.FailoverPolicy;
import io.understudy.core.session.ProxySession;
import io.understudy.core.session.TerminationCause;
import io.understudy.testkit.LeakDetectionExtension;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** {@code show sess}, {@code shutdown session} and {@code shutdown sessions server} on real client sessions. */
@Timeout(60)
@ExtendWith(LeakDetectionExtension.class)
class SessionCommandsTest {
    static final String CLI_LINE =
            "0x[0-9a-f]{11}: proto=unix_stream src=unix:1 fe=GLOBAL be=<NONE> srv=<none> ts=00 age=\\d+s";

    static String greeting(Socket s) throws Exception {
        return GreetingServer.readGreeting(s.getInputStream());
    }

    @Test
    void listsAndKillsSessions() throws Exception {
        try (GreetingServer primary = GreetingServer.start("P1");
                GreetingServer secondary = GreetingServer.start("S1");
                TestProxy proxy = TestProxy.start(primary.port(), secondary.port(), FailoverPolicy.Failback.AUTO)) {
            List<Socket> clients = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                Socket c = proxy.connectClient();
                clients.add(c);
                assertThat(greeting(c)).isEqualTo("P1");
            }
            await().until(() -> proxy.engine().sessions().size() == 3);
            List<ProxySession> sessions = proxy.engine().sessions().sessions().stream()
                    .sorted((a, b) -> Long.compare(a.id(), b.id()))
                    .toList();

            String out = proxy.run(Level.OPERATOR, "show sess");
            List<String> lines = out.lines().toList();
            assertThat(lines).hasSize(4);
            // The admin connection asking comes last, as HAProxy lists its own CLI stream.
            assertThat(lines.get(3)).matches(CLI_LINE);
            for (int i = 0; i < 3; i++) {
                ProxySession s = sessions.get(i);
                assertThat(lines.get(i))
                        .matches("0x" + Long.toHexString(s.id())
                                + ": proto=tcpv4 src=127\\.0\\.0\\.1:\\d+ fe=MySQL be=MySQL srv=Primary ts=00"
                                + " age=\\d+s bin=0 bout=6 buf=0");
            }

            // One session in detail, by the id show sess printed; all of them; an id that names none.
            String id = lines.get(0).substring(0, lines.get(0).indexOf(':'));
            String one = proxy.run(Level.OPERATOR, "show sess " + id);
            assertThat(one.lines().toList())
                    .hasSize(6)
                    .satisfies(l -> assertThat(l.get(0))
                            .matches(id + ": \\[\\d\\d/[A-Z][a-z]{2}/\\d{4}:\\d\\d:\\d\\d:\\d\\d\\.\\d{6}\\] id="
                                    + sessions.get(0).id() + " proto=tcpv4 source=127\\.0\\.0\\.1:\\d+"))
                    .satisfies(
                            l -> assertThat(l.get(1))
                                    .matches(
                                            "  frontend=MySQL \\(id=1 mode=tcp\\), listener=\\? \\(id=1\\) addr=127\\.0\\.0\\.1:\\d+"))
                    .satisfies(l -> assertThat(l.get(2)).isEqualTo("  backend=MySQL (id=1 mode=tcp)"))
                    .satisfies(
                            l -> assertThat(l.get(3)).matches("  server=Primary \\(id=1\\) addr=127\\.0\\.0\\.1:\\d+"))
                    .satisfies(l -> assertThat(l.get(5)).isEqualTo("  bin=0 bout=6 buf=0"));
            String all = proxy.run(Level.OPERATOR, "show sess all");
            // The same block for that session (its first line; the age may have ticked between the two commands).
            assertThat(all)
                    .startsWith(one.lines().findFirst().orElseThrow() + "\n")
                    .contains("  frontend=GLOBAL (id=0 mode=tcp)");
            assertThat(all.lines().filter(l -> l.startsWith("0x")).count()).isEqualTo(4);
            assertThat(proxy.run(Level.OPERATOR, "show sess 0x7fff")).isEqualTo("Session not found.\n");
            // The admin connection's own id is not a client session: shutdown session does not take it.
            String cli = lines.get(3).substring(0, lines.get(3).indexOf(':'));
            assertThat(proxy.run(Level.ADMIN, "shutdown session " + cli))
                    .isEqualTo("No such session (use 'show sess').\n");

            // Kill the first by the id show sess printed.
            assertThat(proxy.run(Level.ADMIN, "shutdown session " + id)).isEmpty();
            assertThat(clients.get(0).getInputStream().read()).isEqualTo(-1);
            await().until(() -> proxy.engine().sessions().size() == 2);
            assertThat(proxy.engine().sessions().endedTotal(TerminationCause.KILLED_BY_ADMIN))
                    .isEqualTo(1);
            assertThat(proxy.run(Level.ADMIN, "shutdown session " + id))
                    .isEqualTo("No such session (use 'show sess').\n");

            assertThat(proxy.run(Level.ADMIN, "shutdown sessions server MySQL/Secondary"))
                    .isEmpty();
            // Closing is asynchronous: Primary's two sessions must still be there a while later, not just now.
            await().during(java.time.Duration.ofMillis(300))
                    .atMost(java.time.Duration.ofSeconds(5))
                    .until(() -> proxy.engine().sessions().size() == 2);
            assertThat(proxy.run(Level.ADMIN, "shutdown sessions server MySQL/Primary"))
                    .isEmpty();
            assertThat(clients.get(1).getInputStream().read()).isEqualTo(-1);
            assertThat(clients.get(2).getInputStream().read()).isEqualTo(-1);
            await().until(() -> proxy.engine().sessions().size() == 0);
            assertThat(proxy.engine().sessions().endedTotal(TerminationCause.KILLED_BY_ADMIN))
                    .isEqualTo(3);
            assertThat(proxy.run(Level.OPERATOR, "show sess")).matches(CLI_LINE + "\n");
            for (Socket c : clients) {
                c.close();
            }
        }
    }

    @Test
    void sessionIdErrors() throws Exception {
        try (TestProxy proxy = TestProxy.start()) {
            assertThat(proxy.run(Level.ADMIN, "shutdown session"))
                    .isEqualTo("Session pointer expected (use 'show sess').\n");
            assertThat(proxy.run(Level.ADMIN, "shutdown session zz"))
                    .isEqualTo("Session pointer expected (use 'show sess').\n");
            assertThat(proxy.run(Level.ADMIN, "shutdown session 0"))
                    .isEqualTo("Session pointer expected (use 'show sess').\n");
            assertThat(proxy.run(Level.ADMIN, "shutdown session 0x7fffffff"))
                    .isEqualTo("No such session (use 'show sess').\n");
            assertThat(proxy.run(Level.ADMIN, "shutdown session -1")).isEqualTo("No such session (use 'show sess').\n");
        }
    }
}
