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
            assertThat(lines).hasSize(3);
            for (int i = 0; i < 3; i++) {
                ProxySession s = sessions.get(i);
                assertThat(lines.get(i))
                        .matches("0x" + Long.toHexString(s.id())
                                + ": proto=tcpv4 src=127\\.0\\.0\\.1:\\d+ fe=MySQL be=MySQL srv=Primary ts=00"
                                + " age=\\d+s bin=0 bout=6 buf=0");
            }

            // Kill the first by the id show sess printed.
            String id = lines.get(0).substring(0, lines.get(0).indexOf(':'));
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
            assertThat(proxy.run(Level.OPERATOR, "show sess")).isEmpty();
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
