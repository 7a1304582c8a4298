package io.understudy.core.backend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

import io.understudy.core.Commands;
import io.understudy.core.ProxyHarness;
import io.understudy.core.ScriptedServer;
import io.understudy.core.TestConfigs;
import io.understudy.core.config.Balance;
import io.understudy.core.model.AdminMode;
import io.understudy.core.model.Server;
import io.understudy.core.session.TerminationCause;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class ConnectFailoverTest {

    /** A loopback port nobody listens on: connecting to it is refused at once, like a SIGKILLed mysqld's port. */
    static int closedPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    static String greeting(Socket client) throws IOException {
        return ScriptedServer.readGreeting(client.getInputStream());
    }

    @Test
    void aDeadWriterMarkedDownByItsFirstFailureSendsItsClientToTheBackupWithoutError() throws Exception {
        int dead = closedPort();
        // rise 1 / fall 1: the first live-traffic failure is the verdict.
        try (ScriptedServer backup = ScriptedServer.greetingEcho("BACKUP");
                ProxyHarness proxy = ProxyHarness.start(TestConfigs.listen("MySQL")
                        .checked()
                        .server("Primary", dead)
                        .backup("Secondary", backup.port()));
                Socket client = proxy.connect()) {
            assertThat(greeting(client)).isEqualTo("BACKUP");
            // The client did not go to the backup on its own: the model marked Primary down, and traffic moved.
            assertThat(proxy.server("Primary").state().op()).isEqualTo(io.understudy.core.model.OpState.STOPPED);
            assertThat(proxy.server("Primary").counters().connectAttempts()).isEqualTo(1);
            // econ counts sessions that gave up connecting: this one connected elsewhere.
            assertThat(proxy.server("Primary").counters().connectErrors()).isZero();
            assertThat(proxy.backend().counters().redispatches()).isZero();
            assertThat(proxy.server("Secondary").counters().totalSessions()).isEqualTo(1);
            // Primary's stot counts the attempt (HAProxy counts a server's sessions per attempt); none is held there.
            assertThat(proxy.server("Primary").counters().totalSessions()).isEqualTo(1);
            assertThat(proxy.server("Primary").counters().currentSessions()).isZero();
        }
    }

    @Test
    void whileTheWritersHealthIsInDoubtItsClientsWaitAndFollowTheVerdict() throws Exception {
        int dead = closedPort();
        try (ScriptedServer backup = ScriptedServer.greetingEcho("BACKUP");
                ProxyHarness proxy = ProxyHarness.start(TestConfigs.listen("MySQL")
                        .check(TestConfigs.check(2, 3))
                        .server("Primary", dead)
                        .backup("Secondary", backup.port())
                        .queueTimeout(Duration.ofSeconds(30)))) {
            Server primary = proxy.server("Primary");
            var control = proxy.engine().control();
            // Fully up (the test plays the health checker).
            Commands.up(control, primary);
            try (Socket client = proxy.connect()) {
                // Its connect is refused: Primary is in doubt (UP 2/3), and the client waits for the verdict.
                await().atMost(Duration.ofSeconds(5))
                        .until(() -> proxy.backend().queue().size() == 1);
                assertThat(primary.state().check().inDoubt()).isTrue();
                assertThat(backup.accepted()).isZero();
                // More failed checks: Primary is marked down, traffic moves, and the waiting client follows it.
                Commands.down(control, primary);
                Commands.down(control, primary);
                assertThat(primary.state().op()).isEqualTo(io.understudy.core.model.OpState.STOPPED);
                assertThat(greeting(client)).isEqualTo("BACKUP");
            }
        }
    }

    @Test
    void aWriterCheckedBackToHealthGetsItsWaitingClientsBack() throws Exception {
        AtomicInteger seen = new AtomicInteger();
        // Primary drops its first connection before greeting (a hiccup), then behaves.
        try (ScriptedServer primary = ScriptedServer.start((s, in, out) -> {
                    if (seen.incrementAndGet() == 1) {
                        s.close();
                        return;
                    }
                    ScriptedServer.greet(out, "PRIMAR");
                    in.transferTo(out);
                });
                ScriptedServer backup = ScriptedServer.greetingEcho("BACKUP");
                ProxyHarness proxy = ProxyHarness.start(TestConfigs.listen("MySQL")
                        .check(TestConfigs.check(2, 3))
                        .server("Primary", primary.port())
                        .backup("Secondary", backup.port())
                        .queueTimeout(Duration.ofSeconds(30)))) {
            Server p = proxy.server("Primary");
            var control = proxy.engine().control();
            Commands.up(control, p);
            try (Socket client = proxy.connect()) {
                await().atMost(Duration.ofSeconds(5))
                        .until(() -> proxy.backend().queue().size() == 1);
                // The check passes: Primary is fully up again, and the waiting client goes back to it.
                Commands.up(control, p);
                assertThat(greeting(client)).isEqualTo("PRIMAR");
            }
            assertThat(backup.accepted()).isZero();
            assertThat(p.state().op()).isEqualTo(io.understudy.core.model.OpState.RUNNING);
        }
    }

    @Test
    void anUncheckedDeadWriterIsRetriedButItsClientIsNeverSentElsewhereOnItsOwn() throws Exception {
        int dead = closedPort();
        try (ScriptedServer backup = ScriptedServer.greetingEcho("BACKUP");
                ProxyHarness proxy = ProxyHarness.start(
                        TestConfigs.listen("MySQL").server("Primary", dead).backup("Secondary", backup.port()));
                Socket client = proxy.connect()) {
            // No health check, so nothing can decide to move the writer: HAProxy's behaviour, an error.
            ErrPacket err = ErrPacket.read(client.getInputStream());
            assertThat(err.message).startsWith("Understudy: cannot connect to MySQL/Primary after 4 attempts");
            assertThat(backup.accepted()).isZero();
            assertThat(proxy.server("Primary").counters().connectAttempts()).isEqualTo(4);
            assertThat(proxy.server("Primary").counters().connectErrors())
                    .as("econ: one session gave up")
                    .isEqualTo(1);
            assertThat(proxy.backend().counters().connectErrors()).isEqualTo(1);
        }
    }

    @Test
    void inAPoolRedispatchOnEveryRetryMovesOnAfterTheFirstFailure() throws Exception {
        int dead = closedPort();
        // Two equal actives, no backup: a read pool, where a client is redispatched on its own.
        try (ScriptedServer other = ScriptedServer.greetingEcho("OTHER1");
                ProxyHarness proxy = ProxyHarness.start(TestConfigs.listen("MySQL")
                        .server("P1", dead)
                        .server("P2", other.port())
                        .balance(Balance.ROUNDROBIN)
                        .retries(3, 1));
                Socket client = proxy.connect()) {
            assertThat(greeting(client)).isEqualTo("OTHER1");
            assertThat(proxy.server("P1").counters().connectAttempts()).isEqualTo(1);
            assertThat(proxy.server("P1").counters().connectErrors()).isZero();
            assertThat(proxy.backend().counters().redispatches()).isEqualTo(1);
        }
    }

    @Test
    void withoutRedispatchTheClientGetsAMySqlErrorNamingTheReason() throws Exception {
        int dead = closedPort();
        try (ScriptedServer backup = ScriptedServer.greetingEcho("BACKUP");
                ProxyHarness proxy = ProxyHarness.start(TestConfigs.listen("MySQL")
                        .server("Primary", dead)
                        .backup("Secondary", backup.port())
                        .retries(2, 0));
                Socket client = proxy.connect()) {
            ErrPacket err = ErrPacket.read(client.getInputStream());
            assertThat(err.errno).isEqualTo(1105);
            assertThat(err.message).startsWith("Understudy: cannot connect to MySQL/Primary after 3 attempts");
            assertThat(client.getInputStream().read()).isEqualTo(-1);
            assertThat(backup.accepted()).isZero();
            await().atMost(Duration.ofSeconds(5))
                    .until(() -> proxy.engine().sessions().endedTotal(TerminationCause.CONNECT_FAILED) == 1);
        }
    }

    @Test
    void noUsableServerGivesAMySqlErrorAtOnce() throws Exception {
        try (ScriptedServer primary = ScriptedServer.greetingEcho("PRIMARY");
                ProxyHarness proxy =
                        ProxyHarness.start(TestConfigs.listen("MySQL").server("Primary", primary.port()))) {
            Commands.mode(proxy.engine().control(), proxy.server("Primary"), AdminMode.MAINT);
            try (Socket client = proxy.connect()) {
                ErrPacket err = ErrPacket.read(client.getInputStream());
                assertThat(err.errno).isEqualTo(1105);
                assertThat(err.message).isEqualTo("Understudy: backend 'MySQL' has no server available");
            }
            assertThat(primary.accepted()).isZero();
            await().atMost(Duration.ofSeconds(5))
                    .until(() -> proxy.engine().sessions().endedTotal(TerminationCause.NO_SERVER) == 1);
        }
    }

    @Test
    void roundRobinSharesByWeight() throws Exception {
        try (ScriptedServer a = ScriptedServer.greetingEcho("AAAAAA");
                ScriptedServer b = ScriptedServer.greetingEcho("BBBBBB");
                ProxyHarness proxy = ProxyHarness.start(TestConfigs.listen("MySQL")
                        .add("A", a.port(), false, 3)
                        .add("B", b.port(), false, 1)
                        .balance(Balance.ROUNDROBIN))) {
            Map<String, Integer> seen = new HashMap<>();
            for (int i = 0; i < 40; i++) {
                try (Socket client = proxy.connect()) {
                    seen.merge(greeting(client), 1, Integer::sum);
                }
            }
            assertThat(seen).containsEntry("AAAAAA", 30).containsEntry("BBBBBB", 10);
        }
    }

    @Test
    void inAPoolAServerThatAcceptsButNeverGreetsIsSkippedAfterTheConnectTimeout() throws Exception {
        // Like a SIGSTOPped mysqld: the kernel completes the handshake, nothing ever answers.
        try (ScriptedServer frozen = ScriptedServer.start((s, in, out) -> in.read());
                ScriptedServer other = ScriptedServer.greetingEcho("OTHER1");
                ProxyHarness proxy = ProxyHarness.start(TestConfigs.listen("MySQL")
                        .server("P1", frozen.port())
                        .server("P2", other.port())
                        .balance(Balance.ROUNDROBIN)
                        .timeouts(Duration.ofMillis(300), Duration.ofMinutes(1), Duration.ofMinutes(1)));
                Socket client = proxy.connect()) {
            long t0 = System.nanoTime();
            assertThat(greeting(client)).isEqualTo("OTHER1");
            long waitedMillis = (System.nanoTime() - t0) / 1_000_000;
            // One timeout, then straight to the other server: the frozen one is not retried for this client.
            assertThat(waitedMillis).isLessThan(3_000);
            assertThat(frozen.accepted()).isEqualTo(1);
            assertThat(proxy.server("P1").counters().connectAttempts()).isEqualTo(1);
            assertThat(proxy.server("P1").counters().connectErrors()).isZero();
            assertThat(proxy.backend().counters().redispatches()).isEqualTo(1);
        }
    }

    @Test
    void inAPoolAServerThatTricklesItsGreetingIsSkippedAfterTheConnectTimeout() throws Exception {
        // Sends its greeting a byte every 100 ms: 2.4 s for the whole packet, well past timeout connect. Counting the
        // first byte as the greeting would hand this client to it (and hang it until timeout server).
        byte[] slow = ScriptedServer.packet("a greeting in pieces");
        try (ScriptedServer trickling = ScriptedServer.start((s, in, out) -> {
                    for (byte b : slow) {
                        out.write(b);
                        out.flush();
                        try {
                            Thread.sleep(100);
                        } catch (InterruptedException e) {
                            return;
                        }
                    }
                    in.transferTo(out);
                });
                ScriptedServer other = ScriptedServer.greetingEcho("OTHER1");
                ProxyHarness proxy = ProxyHarness.start(TestConfigs.listen("MySQL")
                        .server("P1", trickling.port())
                        .server("P2", other.port())
                        .balance(Balance.ROUNDROBIN)
                        .timeouts(Duration.ofMillis(500), Duration.ofMinutes(1), Duration.ofMinutes(1)));
                Socket client = proxy.connect()) {
            assertThat(greeting(client)).isEqualTo("OTHER1");
            assertThat(trickling.accepted()).isEqualTo(1);
            assertThat(proxy.server("P1").counters().connectAttempts()).isEqualTo(1);
            assertThat(proxy.server("P1").counters().connectErrors()).isZero();
        }
    }

    @Test
    void aServiceThatIsNotMySqlIsAConnectFailureAtOnce() throws Exception {
        // A wrong port in the configuration: an SSH server greets first too.
        try (ScriptedServer ssh = ScriptedServer.start((s, in, out) -> {
                    out.write("SSH-2.0-OpenSSH_9.2p1 Debian-2\r\n".getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                    in.transferTo(java.io.OutputStream.nullOutputStream());
                });
                ScriptedServer other = ScriptedServer.greetingEcho("OTHER1");
                ProxyHarness proxy = ProxyHarness.start(TestConfigs.listen("MySQL")
                        .server("P1", ssh.port())
                        .server("P2", other.port())
                        .balance(Balance.ROUNDROBIN));
                Socket client = proxy.connect()) {
            assertThat(greeting(client)).isEqualTo("OTHER1");
            assertThat(proxy.server("P1").counters().connectAttempts()).isEqualTo(3);
            assertThat(proxy.server("P1").counters().connectErrors()).isZero();
        }
    }

    @Test
    void anErrPacketInPlaceOfTheGreetingReachesTheClientAsTheServerSentIt() throws Exception {
        // MariaDB at max_connections: ERR 1040 instead of a greeting, then it closes. The client sees what it would see
        // connecting directly, and its pool's back-off applies; the server is alive, so this is no connect failure.
        byte[] sent =
                ScriptedServer.packet("\u00ff\u0010\u0004Too many connections".getBytes(StandardCharsets.ISO_8859_1));
        try (ScriptedServer full = ScriptedServer.start((s, in, out) -> {
                    out.write(sent);
                    out.flush();
                });
                ScriptedServer other = ScriptedServer.greetingEcho("OTHER1");
                ProxyHarness proxy = ProxyHarness.start(TestConfigs.listen("MySQL")
                        .server("P1", full.port())
                        .server("P2", other.port())
                        .balance(Balance.ROUNDROBIN));
                Socket client = proxy.connect()) {
            ErrPacket err = ErrPacket.read(client.getInputStream());
            assertThat(err.errno()).isEqualTo(1040);
            assertThat(err.message()).isEqualTo("Too many connections");
            assertThat(client.getInputStream().read()).isEqualTo(-1);
            assertThat(proxy.server("P1").counters().connectErrors()).isZero();
            assertThat(proxy.server("P1").counters().connectAttempts()).isEqualTo(1);
        }
    }

    @Test
    void aServerThatClosesBeforeItsGreetingCountsAsAConnectFailure() throws Exception {
        try (ScriptedServer closing = ScriptedServer.start((s, in, out) -> s.close());
                ScriptedServer other = ScriptedServer.greetingEcho("OTHER1");
                ProxyHarness proxy = ProxyHarness.start(TestConfigs.listen("MySQL")
                        .server("P1", closing.port())
                        .server("P2", other.port())
                        .balance(Balance.ROUNDROBIN));
                Socket client = proxy.connect()) {
            assertThat(greeting(client)).isEqualTo("OTHER1");
            // retries 3, redispatch on the last retry: P1 is tried 3 times, then the last retry goes to P2.
            assertThat(proxy.server("P1").counters().connectAttempts()).isEqualTo(3);
            assertThat(proxy.server("P1").counters().connectErrors()).isZero();
        }
    }

    @Test
    void aSessionStillConnectingWhenItsServerIsMarkedDownStartsOnTheBackupInstead() throws Exception {
        java.util.concurrent.CountDownLatch greet = new java.util.concurrent.CountDownLatch(1);
        try (ScriptedServer primary = ScriptedServer.start((s, in, out) -> {
                    try {
                        greet.await(10, java.util.concurrent.TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        return;
                    }
                    ScriptedServer.greet(out, "PRIMARY".substring(0, 6));
                    in.transferTo(out);
                });
                ScriptedServer backup = ScriptedServer.greetingEcho("BACKUP");
                ProxyHarness proxy = ProxyHarness.start(TestConfigs.listen("MySQL")
                        .checked()
                        .server("Primary", primary.port())
                        .backup("Secondary", backup.port()));
                Socket client = proxy.connect()) {
            // The proxy is connected to Primary and waits for its greeting when Primary is marked down.
            await().atMost(Duration.ofSeconds(5)).until(() -> primary.accepted() == 1);
            Commands.down(proxy.engine().control(), proxy.server("Primary"));
            greet.countDown();
            assertThat(greeting(client)).isEqualTo("BACKUP");
            // The attempt counts in Primary's stot (HAProxy counts a server's sessions per attempt); the session is not
            // there.
            assertThat(proxy.server("Primary").counters().totalSessions()).isEqualTo(1);
            assertThat(proxy.server("Primary").counters().currentSessions()).isZero();
            assertThat(proxy.server("Secondary").counters().currentSessions()).isEqualTo(1);
        }
    }

    @Test
    void aFrontendAtMaxconnResumesAcceptingWhenASessionEnds() throws Exception {
        try (ScriptedServer db = ScriptedServer.greetingEcho("HELLO1");
                ProxyHarness proxy = ProxyHarness.start(
                        TestConfigs.listen("MySQL").server("P", db.port()).maxconn(1))) {
            Socket first = proxy.connect();
            assertThat(greeting(first)).isEqualTo("HELLO1");
            await().atMost(Duration.ofSeconds(5))
                    .until(() -> proxy.engine().frontends().get(0).status()
                            == io.understudy.core.frontend.Frontend.Status.FULL);
            try (Socket second = proxy.connect()) {
                // Accepted by the kernel into the backlog, but not by the proxy while the first session is open. This
                // waits a bounded time for something that must not happen: a proxy that kept accepting would have
                // connected the second client to the server and relayed its greeting well within it.
                second.setSoTimeout(500);
                assertThatExceptionOfType(SocketTimeoutException.class)
                        .as("the second client was served while the frontend was at maxconn")
                        .isThrownBy(() -> second.getInputStream().read());
                assertThat(db.accepted()).isEqualTo(1);

                first.close();
                second.setSoTimeout(10_000);
                assertThat(greeting(second)).isEqualTo("HELLO1");
                assertThat(db.accepted()).isEqualTo(2);
            }
            await().atMost(Duration.ofSeconds(5))
                    .until(() -> proxy.engine().frontends().get(0).status()
                            == io.understudy.core.frontend.Frontend.Status.OPEN);
        }
    }

    /** A pre-handshake MySQL ERR packet as a client would parse it. */
    record ErrPacket(int errno, String message) {
        static ErrPacket read(InputStream in) throws IOException {
            byte[] header = in.readNBytes(4);
            int len = ByteBuffer.wrap(new byte[] {header[0], header[1], header[2], 0})
                    .order(ByteOrder.LITTLE_ENDIAN)
                    .getInt();
            byte[] payload = in.readNBytes(len);
            assertThat(payload[0] & 0xff).isEqualTo(0xff);
            int errno = (payload[1] & 0xff) | (payload[2] & 0xff) << 8;
            return new ErrPacket(errno, new String(payload, 3, len - 3, StandardCharsets.UTF_8));
        }
    }
}
