package io.understudy.core.model;

import static io.understudy.core.Commands.down;
import static io.understudy.core.Commands.mode;
import static io.understudy.core.Commands.move;
import static io.understudy.core.Commands.up;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.understudy.core.Commands;
import io.understudy.core.ProxyEngine;
import io.understudy.core.ScriptedServer;
import io.understudy.core.TestConfigs;
import io.understudy.core.config.FailoverPolicy;
import io.understudy.core.session.TerminationCause;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * How a writer-role backend moves its traffic from one server to another, through a running engine: the old writer's
 * sessions at rest end at once, a request in flight finishes before the new writer takes its first session (new
 * sessions wait in the queue meanwhile), {@code timeout drain} bounds the wait, and {@code failback-delay} keeps a
 * server that came back from taking the traffic until it has stayed up.
 */
@Timeout(60)
class WriterMoveTest {
    /** Greets with {@code P}, echoes, and holds its answer to {@code w} until {@code release} opens. */
    static ScriptedServer holdingPrimary(CountDownLatch release) {
        return ScriptedServer.start((s, in, out) -> {
            ScriptedServer.greet(out, "P");
            int b;
            while ((b = in.read()) != -1) {
                if (b == 'w') {
                    try {
                        release.await(30, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                    out.write('W');
                } else {
                    out.write(b);
                }
                out.flush();
            }
        });
    }

    static Socket connect(ProxyEngine e) throws IOException {
        Socket s = new Socket();
        s.setSoTimeout(20_000);
        s.connect(e.boundAddress("MySQL").orElseThrow(), 5000);
        return s;
    }

    /** A client connecting in the background: completes with its server's greeting. */
    static CompletableFuture<String> newcomer(ProxyEngine e) {
        return CompletableFuture.supplyAsync(() -> {
            try (Socket s = connect(e)) {
                return ScriptedServer.readGreeting(s.getInputStream());
            } catch (IOException ex) {
                throw new IllegalStateException(ex);
            }
        });
    }

    /** Connects and takes the session through a first exchange, as a client after its login: now at rest. */
    static Socket atRest(ProxyEngine e) throws IOException {
        Socket s = connect(e);
        InputStream in = s.getInputStream();
        assertThat(ScriptedServer.readGreeting(in)).isEqualTo("P");
        s.getOutputStream().write('a');
        assertThat(in.read()).isEqualTo('a');
        return s;
    }

    static ProxyEngine engine(ScriptedServer p, ScriptedServer b, FailoverPolicy policy) {
        return new ProxyEngine(TestConfigs.listen("MySQL")
                .checked()
                .server("Primary", p.port())
                .backup("Secondary", b.port())
                .failover(policy)
                .build());
    }

    @Test
    void aRequestInFlightOnTheOldWriterEndsBeforeTheNewWriterTakesASession() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        FailoverPolicy policy = FailoverPolicy.defaults().withDrainTimeout(Duration.ofSeconds(20));
        try (ScriptedServer p = holdingPrimary(release);
                ScriptedServer b = ScriptedServer.greetingEcho("B");
                ProxyEngine e = engine(p, b, policy)) {
            e.start();
            Backend backend = e.backends().get(0);
            Socket idle = atRest(e);
            Socket busy = atRest(e);
            busy.getOutputStream().write('w');
            await().until(() -> p.accepted() == 2);

            move(e.control(), backend, backend.server("Secondary"));

            // The idle session is closed at once; the busy one is not.
            assertThat(idle.getInputStream().read()).isEqualTo(-1);
            CompletableFuture<String> newcomer = newcomer(e);
            await().until(() -> backend.queue().size() == 1);
            assertThat(newcomer).isNotDone();
            assertThat(backend.snapshot().draining(backend.server("Secondary").orElseThrow()))
                    .isTrue();

            release.countDown();
            // The write in flight gets its answer, then the session ends at its rest and the newcomer goes on.
            InputStream in = busy.getInputStream();
            assertThat(in.read()).isEqualTo('W');
            assertThat(in.read()).isEqualTo(-1);
            assertThat(newcomer.get(20, TimeUnit.SECONDS)).isEqualTo("B");
            assertThat(e.sessions().endedTotal(TerminationCause.KILLED_BY_ADMIN))
                    .isEqualTo(2);
            idle.close();
            busy.close();
        }
    }

    @Test
    void aClientStillLoggingInFinishesOnTheOldWriterThenEndsAtRest() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        FailoverPolicy policy = FailoverPolicy.defaults().withDrainTimeout(Duration.ofSeconds(20));
        try (ScriptedServer p = holdingPrimary(release);
                ScriptedServer b = ScriptedServer.greetingEcho("B");
                ProxyEngine e = engine(p, b, policy)) {
            e.start();
            Backend backend = e.backends().get(0);
            Socket loggingIn = connect(e);
            InputStream in = loggingIn.getInputStream();
            assertThat(ScriptedServer.readGreeting(in)).isEqualTo("P");
            move(e.control(), backend, backend.server("Secondary"));
            // Greeted but not logged in: not at rest however long it takes, so its login answer still comes from
            // the server that greeted it...
            loggingIn.getOutputStream().write('a');
            assertThat(in.read()).isEqualTo('a');
            // ...and once quiet, the session ends.
            assertThat(in.read()).isEqualTo(-1);
            await().until(() ->
                    !backend.snapshot().draining(backend.server("Secondary").orElseThrow()));
            loggingIn.close();
            release.countDown();
        }
    }

    @Test
    void theDrainTimeoutClosesWhatIsLeftAndReleasesTheQueue() throws Exception {
        CountDownLatch never = new CountDownLatch(1);
        FailoverPolicy policy = FailoverPolicy.defaults().withDrainTimeout(Duration.ofMillis(300));
        try (ScriptedServer p = holdingPrimary(never);
                ScriptedServer b = ScriptedServer.greetingEcho("B");
                ProxyEngine e = engine(p, b, policy)) {
            e.start();
            Backend backend = e.backends().get(0);
            Server primary = backend.server("Primary").orElseThrow();
            Socket stuck = atRest(e);
            stuck.getOutputStream().write('w');
            await().until(() -> p.accepted() == 1);
            long movedAt = System.nanoTime();
            down(e.control(), primary);
            try (Socket next = connect(e)) {
                assertThat(ScriptedServer.readGreeting(next.getInputStream())).isEqualTo("B");
            }
            assertThat(Duration.ofNanos(System.nanoTime() - movedAt))
                    .as("the newcomer waited for the drain")
                    .isGreaterThanOrEqualTo(Duration.ofMillis(300));
            assertThat(stuck.getInputStream().read()).isEqualTo(-1);
            assertThat(e.sessions().endedTotal(TerminationCause.SERVER_MARKED_DOWN))
                    .isEqualTo(1);
            stuck.close();
            never.countDown();
        }
    }

    @Test
    void aServerBroughtBackByChecksTakesTheTrafficBackOnlyAfterFailbackDelay() throws Exception {
        FailoverPolicy policy = FailoverPolicy.defaults().withFailbackDelay(Duration.ofMillis(400));
        try (ScriptedServer p = ScriptedServer.greetingEcho("P");
                ScriptedServer b = ScriptedServer.greetingEcho("B");
                ProxyEngine e = engine(p, b, policy)) {
            e.start();
            Backend backend = e.backends().get(0);
            Server primary = backend.server("Primary").orElseThrow();
            Server secondary = backend.server("Secondary").orElseThrow();
            down(e.control(), primary);
            assertThat(backend.snapshot().targets()).containsExactly(secondary);

            long upAt = System.nanoTime();
            up(e.control(), primary);
            assertThat(primary.state().usable()).isTrue();
            assertThat(backend.snapshot().targets()).as("still settling").containsExactly(secondary);
            // The snapshot is published before the commit's events are logged: wait for both.
            await().atMost(Duration.ofSeconds(5))
                    .until(() -> backend.snapshot().targets().equals(List.of(primary))
                            && e.control().lastEvents(1).get(0) instanceof ModelEvent.TrafficMoved);
            assertThat(Duration.ofNanos(System.nanoTime() - upAt)).isGreaterThanOrEqualTo(Duration.ofMillis(400));
            ModelEvent last = e.control().lastEvents(1).get(0);
            assertThat(last).isInstanceOf(ModelEvent.TrafficMoved.class);
            assertThat(last.reason().text()).contains("failback-delay 400ms");

            // Going down again while settling would have kept the traffic where it was: checked by the stutter
            // below, where the server never stays up long enough.
            down(e.control(), primary);
            up(e.control(), primary);
            down(e.control(), primary);
            up(e.control(), primary);
            assertThat(backend.snapshot().targets()).containsExactly(secondary);
        }
    }

    @Test
    void anOperatorsEnableIsNotDelayed() throws Exception {
        FailoverPolicy policy = FailoverPolicy.defaults().withFailbackDelay(Duration.ofSeconds(30));
        try (ScriptedServer p = ScriptedServer.greetingEcho("P");
                ScriptedServer b = ScriptedServer.greetingEcho("B");
                ProxyEngine e = engine(p, b, policy)) {
            e.start();
            Backend backend = e.backends().get(0);
            Server primary = backend.server("Primary").orElseThrow();
            mode(e.control(), primary, AdminMode.MAINT);
            assertThat(backend.snapshot().targets())
                    .containsExactly(backend.server("Secondary").orElseThrow());
            mode(e.control(), primary, AdminMode.READY);
            assertThat(backend.snapshot().targets()).containsExactly(primary);
        }
    }

    @Test
    void withoutAnotherServerASettlingServerTakesTheTrafficAtOnce() throws Exception {
        FailoverPolicy policy = FailoverPolicy.defaults().withFailbackDelay(Duration.ofSeconds(30));
        try (ScriptedServer p = ScriptedServer.greetingEcho("P");
                ScriptedServer b = ScriptedServer.greetingEcho("B");
                ProxyEngine e = engine(p, b, policy)) {
            e.start();
            Backend backend = e.backends().get(0);
            Server primary = backend.server("Primary").orElseThrow();
            Server secondary = backend.server("Secondary").orElseThrow();
            down(e.control(), primary);
            down(e.control(), secondary);
            up(e.control(), primary);
            assertThat(backend.snapshot().targets()).containsExactly(primary);
            assertThat(Optional.of(primary)).isEqualTo(backend.snapshot().first());
        }
    }

    @Test
    void aHoldQueuesNewSessionsUntilAMoveReleasesThemAndEndsByItself() throws Exception {
        try (ScriptedServer p = ScriptedServer.greetingEcho("P");
                ScriptedServer b = ScriptedServer.greetingEcho("B");
                ProxyEngine e = engine(p, b, FailoverPolicy.defaults())) {
            e.start();
            Backend backend = e.backends().get(0);
            Commit held = Commands.submit(
                    e.control(),
                    new ControlCommand.HoldTraffic(
                            backend, Optional.of(Duration.ofSeconds(30)), Origin.CLI, "test: hold"));
            assertThat(held.refused()).isFalse();
            assertThat(backend.snapshot().held()).isTrue();
            CompletableFuture<String> waiting = newcomer(e);
            await().until(() -> backend.queue().size() == 1);
            move(e.control(), backend, backend.server("Secondary"));
            assertThat(backend.snapshot().held()).isFalse();
            assertThat(waiting.get(10, TimeUnit.SECONDS)).isEqualTo("B");

            // A hold nobody releases ends by itself.
            Commands.submit(
                    e.control(),
                    new ControlCommand.HoldTraffic(
                            backend, Optional.of(Duration.ofMillis(200)), Origin.CLI, "test: short hold"));
            try (Socket s = connect(e)) {
                assertThat(ScriptedServer.readGreeting(s.getInputStream())).isEqualTo("B");
            }
            assertThat(backend.snapshot().held()).isFalse();
        }
    }

    @Test
    void onlyAWriterCanBeHeld() throws Exception {
        try (ScriptedServer p = ScriptedServer.greetingEcho("P");
                ScriptedServer q = ScriptedServer.greetingEcho("Q");
                ProxyEngine e = new ProxyEngine(TestConfigs.listen("MySQL")
                        .balance(io.understudy.core.config.Balance.ROUNDROBIN)
                        .server("P", p.port())
                        .server("Q", q.port())
                        .build())) {
            e.start();
            Commit c = Commands.submit(
                    e.control(),
                    new ControlCommand.HoldTraffic(
                            e.backends().get(0), Optional.of(Duration.ofSeconds(1)), Origin.CLI, "test"));
            assertThat(c.refusal()).contains("backend MySQL has no writer role");
        }
    }

    @Test
    void aFailedCheckWhileSettlingStartsFailbackDelayAgain() throws Exception {
        FailoverPolicy policy = FailoverPolicy.defaults().withFailbackDelay(Duration.ofSeconds(30));
        try (ScriptedServer p = ScriptedServer.greetingEcho("P");
                ScriptedServer b = ScriptedServer.greetingEcho("B");
                ProxyEngine e = new ProxyEngine(TestConfigs.listen("MySQL")
                        .check(TestConfigs.check(2, 3))
                        .server("Primary", p.port())
                        .backup("Secondary", b.port())
                        .failover(policy)
                        .build())) {
            e.start();
            Backend backend = e.backends().get(0);
            Server primary = backend.server("Primary").orElseThrow();
            Server secondary = backend.server("Secondary").orElseThrow();
            // Starts one failure from down: one failed check takes it down, two passed ones bring it back fully up.
            down(e.control(), primary);
            assertThat(primary.state().op()).isEqualTo(OpState.STOPPED);
            up(e.control(), primary);
            up(e.control(), primary);
            assertThat(primary.state().op()).isEqualTo(OpState.RUNNING);
            long upAt = primary.state().lastChangeMillis();
            assertThat(backend.nextFailbackMillis(upAt)).hasValue(upAt + 30_000);

            // Still up after one failed check (fall 3), but it did not stay up cleanly: the delay starts again, from
            // the failure (a later millisecond than the change, so the two cannot be mistaken for each other).
            await().atMost(Duration.ofSeconds(1)).until(() -> System.currentTimeMillis() > upAt);
            down(e.control(), primary);
            assertThat(primary.state().op()).isEqualTo(OpState.RUNNING);
            long failedAt = primary.state().lastFailureMillis();
            assertThat(failedAt).isGreaterThan(upAt);
            assertThat(backend.nextFailbackMillis(failedAt)).hasValue(failedAt + 30_000);
            assertThat(backend.snapshot().targets()).containsExactly(secondary);
        }
    }

    /** A MySQL packet carrying {@code COM_QUERY sql}. */
    static byte[] query(String sql) {
        byte[] text = sql.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        byte[] p = new byte[4 + 1 + text.length];
        int len = text.length + 1;
        p[0] = (byte) len;
        p[1] = (byte) (len >> 8);
        p[2] = (byte) (len >> 16);
        p[4] = 0x03;
        System.arraycopy(text, 0, p, 5, text.length);
        return p;
    }

    @Test
    void onAServerMarkedDownOnlyAWriteInFlightHoldsTheMove() throws Exception {
        // Greets, answers the login, then never answers again: a server that froze after the logins.
        try (ScriptedServer p = ScriptedServer.start((sock, in, out) -> {
                    ScriptedServer.greet(out, "P");
                    if (in.read() != -1) {
                        out.write('a');
                        out.flush();
                    }
                    in.transferTo(java.io.OutputStream.nullOutputStream());
                });
                ScriptedServer b = ScriptedServer.greetingEcho("B");
                ProxyEngine e = engine(p, b, FailoverPolicy.defaults().withDrainTimeout(Duration.ofSeconds(20)))) {
            e.start();
            Backend backend = e.backends().get(0);
            Server primary = backend.server("Primary").orElseThrow();
            Socket reading = connect(e);
            Socket writing = connect(e);
            for (Socket s : List.of(reading, writing)) {
                assertThat(ScriptedServer.readGreeting(s.getInputStream())).isEqualTo("P");
                // A login packet (header and capability flags, CLIENT_SSL not set): the session is not encrypted.
                s.getOutputStream().write(new byte[] {8, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0});
                assertThat(s.getInputStream().read()).isEqualTo('a');
            }
            reading.getOutputStream().write(query("/* client */ SELECT @@server_id"));
            writing.getOutputStream().write(query("INSERT INTO t VALUES (1)"));
            await().until(() -> e.sessions().sessions().stream().allMatch(s -> s.bytesIn() > 1));

            down(e.control(), primary);
            // The read in flight on the dead server is given up at once...
            assertThat(reading.getInputStream().read()).isEqualTo(-1);
            // ...the write holds new sessions back (it may still land on Primary if it was only stalled)...
            CompletableFuture<String> newcomer = newcomer(e);
            await().until(() -> backend.queue().size() == 1);
            assertThat(newcomer).isNotDone();
            // ...until it ends; then the newcomer goes to the backup.
            writing.close();
            assertThat(newcomer.get(10, TimeUnit.SECONDS)).isEqualTo("B");
            reading.close();
        }
    }
}
