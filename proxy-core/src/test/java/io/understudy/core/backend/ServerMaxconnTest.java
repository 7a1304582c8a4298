package io.understudy.core.backend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.understudy.core.ProxyHarness;
import io.understudy.core.ScriptedServer;
import io.understudy.core.TestConfigs;
import io.understudy.core.config.Balance;
import io.understudy.core.model.Server;
import io.understudy.core.session.TerminationCause;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A server's {@code maxconn} holds from the moment it is chosen: connects in flight count, so a burst of clients can
 * never put more sessions on a server than its limit, and {@code leastconn} sees them.
 */
@Timeout(60)
class ServerMaxconnTest {
    private static final int CLIENTS = 50;

    @Test
    void aServerWithMaxconn2NeverHasMoreThan2SessionsOrConnectsInFlight() throws Exception {
        // The server greets only once the test lets it: every accepted connection stays "connecting" until then, the
        // window in which a slot counted at the greeting (as before) let every client through.
        CountDownLatch greet = new CountDownLatch(1);
        AtomicInteger open = new AtomicInteger();
        AtomicInteger maxOpen = new AtomicInteger();
        try (ScriptedServer db = ScriptedServer.start((s, in, out) -> {
                    maxOpen.accumulateAndGet(open.incrementAndGet(), Math::max);
                    try {
                        greet.await(30, TimeUnit.SECONDS);
                        out.write("HELLO1".getBytes(StandardCharsets.US_ASCII));
                        out.flush();
                        in.transferTo(out);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    } finally {
                        open.decrementAndGet();
                    }
                });
                ProxyHarness proxy =
                        ProxyHarness.start(TestConfigs.listen("MySQL").add("P", db.port(), false, 1, 2))) {
            ExecutorService pool = Executors.newFixedThreadPool(CLIENTS);
            try {
                refusesBeyondMaxconn(proxy, db, greet, maxOpen, pool);
            } finally {
                pool.shutdownNow();
            }
        }
    }

    private static void refusesBeyondMaxconn(
            ProxyHarness proxy, ScriptedServer db, CountDownLatch greet, AtomicInteger maxOpen, ExecutorService pool)
            throws Exception {
        {
            Server p = proxy.server("P");
            AtomicInteger maxServed = new AtomicInteger();
            List<Future<String>> answers = new ArrayList<>();
            List<Socket> sockets = new ArrayList<>();
            for (int i = 0; i < CLIENTS; i++) {
                Socket c = proxy.connect();
                sockets.add(c);
                answers.add(pool.submit(() -> firstBytes(c.getInputStream())));
            }
            // Every client beyond the two slots is refused at once with a MySQL error naming why.
            await().atMost(Duration.ofSeconds(20)).until(() -> {
                maxServed.accumulateAndGet(p.served(), Math::max);
                return proxy.engine().sessions().endedTotal(TerminationCause.SERVERS_FULL) == CLIENTS - 2;
            });
            await().atMost(Duration.ofSeconds(10)).until(() -> db.accepted() == 2);
            greet.countDown();
            int greeted = 0;
            int refused = 0;
            for (Future<String> f : answers) {
                String first = f.get(20, TimeUnit.SECONDS);
                if (first.equals("HELLO1")) {
                    greeted++;
                } else {
                    assertThat(first).contains("every usable server of backend 'MySQL' is at its maxconn");
                    refused++;
                }
            }
            assertThat(greeted).isEqualTo(2);
            assertThat(refused).isEqualTo(CLIENTS - 2);
            assertThat(maxOpen.get()).isLessThanOrEqualTo(2);
            assertThat(maxServed.get()).isLessThanOrEqualTo(2);
            assertThat(p.counters().maxSessions()).isLessThanOrEqualTo(2);
            for (Socket s : sockets) {
                s.close();
            }
            // Every slot comes back when the sessions end.
            await().atMost(Duration.ofSeconds(10)).until(() -> p.served() == 0);
        }
    }

    @Test
    void leastconnCountsConnectsInFlight() throws Exception {
        // A accepts but does not greet (a slow server), B greets at once. Counting sessions only once greeted, A would
        // look empty forever and take nearly every client; counting them from the choice, the two share evenly.
        CountDownLatch greet = new CountDownLatch(1);
        try (ScriptedServer a = holdThenGreet("AAAAAA", greet);
                ScriptedServer b = ScriptedServer.greetingEcho("BBBBBB");
                ProxyHarness proxy = ProxyHarness.start(TestConfigs.listen("MySQL")
                        .server("A", a.port())
                        .server("B", b.port())
                        .balance(Balance.LEASTCONN)
                        // A waits for its greeting far longer than the test: no connect timeout moves a client on.
                        .timeouts(Duration.ofSeconds(30), Duration.ofMinutes(1), Duration.ofMinutes(1)))) {
            List<Socket> sockets = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                sockets.add(proxy.connect());
                int n = i + 1;
                await().atMost(Duration.ofSeconds(5)).until(() -> a.accepted() + b.accepted() == n);
            }
            assertThat(a.accepted()).isEqualTo(5);
            assertThat(b.accepted()).isEqualTo(5);
            greet.countDown();
            for (Socket s : sockets) {
                s.close();
            }
        }
    }

    private static ScriptedServer holdThenGreet(String greeting, CountDownLatch greet) {
        return ScriptedServer.start((s, in, out) -> {
            try {
                greet.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            out.write(greeting.getBytes(StandardCharsets.US_ASCII));
            out.flush();
            in.transferTo(out);
        });
    }

    /** The first six bytes (a greeting), or the text of a MySQL ERR packet. */
    private static String firstBytes(InputStream in) throws Exception {
        byte[] b = in.readNBytes(6);
        if (b.length == 6 && (b[4] & 0xff) == 0xff) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        return new String(b, StandardCharsets.US_ASCII);
    }
}
