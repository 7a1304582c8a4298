package io.understudy.core.backend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.understudy.core.ProxyHarness;
import io.understudy.core.ScriptedServer;
import io.understudy.core.TestConfigs;
import io.understudy.core.config.Balance;
import io.understudy.core.model.Backend;
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
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.LoggerFactory;

/**
 * A server's {@code maxconn} holds from the moment it is chosen (connects in flight count), and the sessions beyond it
 * wait in the backend's queue, HAProxy's way: served in order as slots come free, or refused after {@code timeout
 * queue} with {@code sQ}, or ended {@code cQ} when their client leaves.
 */
@Timeout(60)
class ServerMaxconnTest {
    private static final int CLIENTS = 50;

    @Test
    void fiftyClientsOnAServerWithMaxconn2AreServedTwoAtATime() throws Exception {
        try (ScriptedServer db = ScriptedServer.greetingEcho("HELLO1");
                ProxyHarness proxy = ProxyHarness.start(TestConfigs.listen("MySQL")
                        .add("P", db.port(), false, 1, 2)
                        .queueTimeout(Duration.ofSeconds(30)))) {
            Server p = proxy.server("P");
            // Samples the slots taken on P all along (sessions connecting or connected), from another thread.
            AtomicInteger maxServed = new AtomicInteger();
            AtomicBoolean done = new AtomicBoolean();
            Thread sampler = new Thread(() -> {
                while (!done.get()) {
                    maxServed.accumulateAndGet(p.served(), Math::max);
                    // Sampling every 50 µs, not spinning: the machine has two cores.
                    java.util.concurrent.locks.LockSupport.parkNanos(50_000);
                }
            });
            sampler.start();
            ExecutorService pool = Executors.newFixedThreadPool(CLIENTS);
            try {
                // Every client reads its greeting, then leaves, making room for the next one in the queue.
                List<Future<String>> answers = new ArrayList<>();
                for (int i = 0; i < CLIENTS; i++) {
                    answers.add(pool.submit(() -> {
                        try (Socket c = proxy.connect()) {
                            return firstBytes(c.getInputStream());
                        }
                    }));
                }
                for (Future<String> f : answers) {
                    assertThat(f.get(30, TimeUnit.SECONDS)).isEqualTo("HELLO1");
                }
            } finally {
                pool.shutdownNow();
                done.set(true);
                sampler.join();
            }
            Backend backend = proxy.backend();
            await().atMost(Duration.ofSeconds(10)).until(() -> p.served() == 0);
            assertThat(db.accepted()).isEqualTo(CLIENTS);
            assertThat(maxServed.get()).isEqualTo(2);
            assertThat(p.counters().maxSessions()).isLessThanOrEqualTo(2);
            // Some did wait (a queue that never filled would prove nothing), and none is left waiting.
            assertThat(backend.queue().max()).isGreaterThan(0);
            assertThat(backend.queue().size()).isZero();
            // Waiting showed in the queue-time figures (qtime_max): the last of 48 waited behind many sessions.
            assertThat(backend.counters().queueTime().max()).isPositive();
            assertThat(proxy.engine().sessions().endedTotal(TerminationCause.QUEUE_TIMEOUT))
                    .isZero();
        }
    }

    @Test
    void withSessionsThatNeverEndTheWaitingClientsGetAClearErrorAfterTimeoutQueue() throws Exception {
        ListAppender<ILoggingEvent> log = new ListAppender<>();
        Logger sessionLog = (Logger) LoggerFactory.getLogger("understudy.session");
        Level level = sessionLog.getLevel();
        sessionLog.setLevel(Level.INFO);
        log.start();
        sessionLog.addAppender(log);
        try (ScriptedServer db = ScriptedServer.greetingEcho("HELLO1");
                ProxyHarness proxy = ProxyHarness.start(TestConfigs.listen("MySQL")
                        .add("P", db.port(), false, 1, 2)
                        .queueTimeout(Duration.ofSeconds(1)))) {
            Socket a = proxy.connect();
            Socket b = proxy.connect();
            assertThat(firstBytes(a.getInputStream())).isEqualTo("HELLO1");
            assertThat(firstBytes(b.getInputStream())).isEqualTo("HELLO1");
            List<Socket> waiting = new ArrayList<>();
            long t0 = System.nanoTime();
            for (int i = 0; i < 3; i++) {
                waiting.add(proxy.connect());
            }
            await().atMost(Duration.ofSeconds(5))
                    .until(() -> proxy.backend().queue().size() == 3);
            for (Socket w : waiting) {
                assertThat(firstBytes(w.getInputStream()))
                        .isEqualTo("Understudy: no server of backend 'MySQL' had a free slot within 1000ms"
                                + " (timeout queue)");
                w.close();
            }
            // Refused by the timeout, not earlier: measured from before the first of them connected.
            assertThat((System.nanoTime() - t0) / 1_000_000).isGreaterThanOrEqualTo(1000);
            await().atMost(Duration.ofSeconds(5))
                    .until(() -> proxy.engine().sessions().endedTotal(TerminationCause.QUEUE_TIMEOUT) == 3);
            assertThat(proxy.backend().queue().size()).isZero();
            assertThat(proxy.server("P").served()).isEqualTo(2);
            // The log line is written just after the count moves: wait for the lines themselves.
            await().atMost(Duration.ofSeconds(5)).until(() -> sQ(log).size() == 3);
            assertThat(sQ(log)).allMatch(line -> line.contains("MySQL/<NOSRV>"));
            a.close();
            b.close();
        } finally {
            sessionLog.detachAppender(log);
            sessionLog.setLevel(level);
        }
    }

    @Test
    void aClientThatLeavesWhileQueuedEndsCqAndLeavesTheQueue() throws Exception {
        try (ScriptedServer db = ScriptedServer.greetingEcho("HELLO1");
                ProxyHarness proxy = ProxyHarness.start(TestConfigs.listen("MySQL")
                        .add("P", db.port(), false, 1, 1)
                        .queueTimeout(Duration.ofSeconds(30)))) {
            Socket holder = proxy.connect();
            assertThat(firstBytes(holder.getInputStream())).isEqualTo("HELLO1");
            Socket impatient = proxy.connect();
            await().atMost(Duration.ofSeconds(5))
                    .until(() -> proxy.backend().queue().size() == 1);
            impatient.close();
            await().atMost(Duration.ofSeconds(5))
                    .until(() -> proxy.engine().sessions().endedTotal(TerminationCause.CLIENT_ABORTED_QUEUE) == 1);
            assertThat(proxy.backend().queue().size()).isZero();
            // The slot it never got is still the holder's, and the next client is served when the holder leaves.
            Socket next = proxy.connect();
            await().atMost(Duration.ofSeconds(5))
                    .until(() -> proxy.backend().queue().size() == 1);
            holder.close();
            assertThat(firstBytes(next.getInputStream())).isEqualTo("HELLO1");
            next.close();
            assertThat(db.accepted()).isEqualTo(2);
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

    private static List<String> sQ(ListAppender<ILoggingEvent> log) {
        synchronized (log) {
            return log.list.stream()
                    .map(ILoggingEvent::getFormattedMessage)
                    .filter(m -> m.contains(" sQ "))
                    .toList();
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
            ScriptedServer.greet(out, greeting);
            in.transferTo(out);
        });
    }

    /** The greeting's text, or the message of a MySQL ERR packet. */
    private static String firstBytes(InputStream in) throws Exception {
        byte[] first = ScriptedServer.readPacket(in);
        if (first.length > 3 && (first[0] & 0xff) == 0xff) {
            // An ERR packet: 0xff and the errno before the message.
            return new String(first, 3, first.length - 3, StandardCharsets.UTF_8);
        }
        return new String(first, StandardCharsets.UTF_8);
    }
}
