package io.understudy.core.frontend;

import static org.awaitility.Awaitility.await;

import io.understudy.core.ProxyHarness;
import io.understudy.core.ScriptedServer;
import io.understudy.core.TestConfigs;
import io.understudy.core.transport.Transport;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The descriptor budget on a real listener, on both transports: a backlog of clients larger than the budget never takes
 * more sessions than it allows (the transport may accept a whole batch per read, so the pause must come before the
 * next accept), and every session that ends lets exactly one more in.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SessionBudgetListenerTest {
    private static final int BUDGET = 3;

    @ParameterizedTest
    @ValueSource(strings = {"nio", "epoll"})
    void aBacklogLargerThanTheBudgetIsTakenOneFreedSessionAtATime(String name) throws Exception {
        Transport transport = name.equals("nio") ? Transport.nio() : Transport.best();
        org.junit.jupiter.api.Assumptions.assumeTrue(transport.name().equals(name), name + " unavailable here");
        try (ScriptedServer db = ScriptedServer.greetingEcho("HELLO");
                ProxyHarness proxy =
                        ProxyHarness.start(TestConfigs.listen("MySQL").server("P", db.port()), transport)) {
            SessionBudget budget = proxy.engine().sessionBudget();
            budget.measure(new SessionBudget.Descriptors(1000 + 2 * BUDGET + SessionBudget.SLACK, 1000), 0, 0);
            List<Socket> clients = new ArrayList<>();
            try {
                for (int i = 0; i < 60; i++) {
                    clients.add(proxy.connect());
                }
                await().atMost(Duration.ofSeconds(10)).until(() -> budget.open() == BUDGET);
                await().during(Duration.ofMillis(500))
                        .atMost(Duration.ofSeconds(2))
                        .until(() -> budget.open() == BUDGET && db.accepted() == BUDGET);
                // One session ends: exactly one more client from the backlog gets in.
                clients.get(0).close();
                await().atMost(Duration.ofSeconds(10)).until(() -> db.accepted() == BUDGET + 1);
                await().during(Duration.ofMillis(500))
                        .atMost(Duration.ofSeconds(2))
                        .until(() -> budget.open() == BUDGET && db.accepted() == BUDGET + 1);
            } finally {
                for (Socket s : clients) {
                    s.close();
                }
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> budget.open() == 0);
        }
    }
}
