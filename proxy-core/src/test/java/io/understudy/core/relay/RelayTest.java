package io.understudy.core.relay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.understudy.core.ProxyHarness;
import io.understudy.core.ScriptedServer;
import io.understudy.core.TestConfigs;
import io.understudy.core.session.ProxySession;
import io.understudy.core.session.TerminationCause;
import io.understudy.core.transport.Transport;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

@Timeout(60)
class RelayTest {

    @ParameterizedTest
    @ValueSource(strings = {"best", "nio"})
    void relaysEveryByteBothWaysAndCountsThem(String transport) throws Exception {
        byte[] payload = new byte[8 * 1024 * 1024];
        new Random(42).nextBytes(payload);
        // "best" is epoll on Linux unless -Dunderstudy.transport=nio; NIO is what runs everywhere else.
        Transport t = transport.equals("nio") ? Transport.nio() : Transport.best();
        try (ScriptedServer db = ScriptedServer.greetingEcho("HELLO");
                ProxyHarness proxy =
                        ProxyHarness.start(TestConfigs.listen("MySQL").server("Primary", db.port()), t);
                Socket client = proxy.connect()) {
            InputStream in = client.getInputStream();
            assertThat(ScriptedServer.readGreeting(in)).isEqualTo("HELLO");
            CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
                try {
                    client.getOutputStream().write(payload);
                    client.getOutputStream().flush();
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
            });
            byte[] back = in.readNBytes(payload.length);
            writer.get(30, TimeUnit.SECONDS);
            assertThat(sha256(back)).isEqualTo(sha256(payload));
            client.close();

            await().atMost(Duration.ofSeconds(10))
                    .until(() -> proxy.engine().sessions().size() == 0);
            var fe = proxy.engine().frontends().get(0).counters();
            assertThat(fe.bytesIn()).isEqualTo(payload.length);
            assertThat(fe.bytesOut()).isEqualTo(payload.length + 9); // and the greeting, a 5-byte packet
            assertThat(fe.totalSessions()).isEqualTo(1);
            assertThat(fe.currentSessions()).isZero();
            assertThat(fe.sessionRate().max()).isEqualTo(1);
            var srv = proxy.server("Primary").counters();
            assertThat(srv.bytesIn()).isEqualTo(payload.length);
            assertThat(srv.bytesOut()).isEqualTo(payload.length + 9); // and the greeting, a 5-byte packet
            assertThat(srv.totalSessions()).isEqualTo(1);
            assertThat(srv.currentSessions()).isZero();
            assertThat(proxy.engine().sessions().endedTotal(TerminationCause.CLIENT_CLOSED))
                    .isEqualTo(1);
        }
    }

    @Test
    void clientCloseClosesTheServerSide() throws Exception {
        CountDownLatch serverSawEof = new CountDownLatch(1);
        try (ScriptedServer db = ScriptedServer.start((s, in, out) -> {
                    ScriptedServer.greet(out, "G");
                    if (in.read() == -1) {
                        serverSawEof.countDown();
                    }
                });
                ProxyHarness proxy =
                        ProxyHarness.start(TestConfigs.listen("MySQL").server("Primary", db.port()))) {
            Socket client = proxy.connect();
            assertThat(ScriptedServer.readGreeting(client.getInputStream())).isEqualTo("G");
            client.close();
            assertThat(serverSawEof.await(10, TimeUnit.SECONDS)).isTrue();
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> proxy.engine().sessions().endedTotal(TerminationCause.CLIENT_CLOSED) == 1);
        }
    }

    @Test
    void serverCloseClosesTheClientSideAfterDeliveringEverything() throws Exception {
        byte[] last = new byte[256 * 1024];
        new Random(7).nextBytes(last);
        try (ScriptedServer db = ScriptedServer.start((s, in, out) -> {
                    ScriptedServer.greet(out, "G");
                    out.write(last);
                    out.flush();
                });
                ProxyHarness proxy =
                        ProxyHarness.start(TestConfigs.listen("MySQL").server("Primary", db.port()));
                Socket client = proxy.connect()) {
            assertThat(ScriptedServer.readGreeting(client.getInputStream())).isEqualTo("G");
            byte[] got = client.getInputStream().readAllBytes();
            assertThat(sha256(got)).isEqualTo(sha256(last));
            // The server's FIN reached the client; a real client now closes too.
            client.close();
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> proxy.engine().sessions().endedTotal(TerminationCause.SERVER_CLOSED) == 1);
        }
    }

    @Test
    void halfCloseFromTheClientReachesTheServerAndTheAnswerStillComesBack() throws Exception {
        try (ScriptedServer db = ScriptedServer.start((s, in, out) -> {
                    ScriptedServer.greet(out, "G"); // a MySQL server speaks first; the proxy waits for that greeting
                    byte[] all = in.readAllBytes(); // until the FIN the proxy passed on
                    out.write(("got " + all.length).getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                });
                ProxyHarness proxy =
                        ProxyHarness.start(TestConfigs.listen("MySQL").server("Primary", db.port()));
                Socket client = proxy.connect()) {
            assertThat(ScriptedServer.readGreeting(client.getInputStream())).isEqualTo("G");
            client.getOutputStream().write("abcdef".getBytes(StandardCharsets.US_ASCII));
            client.shutdownOutput();
            String answer = new String(client.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
            assertThat(answer).isEqualTo("got 6");
        }
    }

    @ParameterizedTest
    @EnumSource(
            value = TerminationCause.class,
            names = {"CLIENT_TIMEOUT", "SERVER_TIMEOUT"})
    void anIdleTimeoutOnEitherSideClosesBothSides(TerminationCause expected) throws Exception {
        Duration shortOne = Duration.ofMillis(300);
        Duration longOne = Duration.ofMinutes(1);
        boolean client = expected == TerminationCause.CLIENT_TIMEOUT;
        CountDownLatch serverSawEof = new CountDownLatch(1);
        try (ScriptedServer db = ScriptedServer.start((s, in, out) -> {
                    ScriptedServer.greet(out, "G");
                    if (in.read() == -1) {
                        serverSawEof.countDown();
                    }
                });
                ProxyHarness proxy = ProxyHarness.start(TestConfigs.listen("MySQL")
                        .server("Primary", db.port())
                        .timeouts(Duration.ofSeconds(1), client ? shortOne : longOne, client ? longOne : shortOne));
                Socket clientSocket = proxy.connect()) {
            assertThat(ScriptedServer.readGreeting(clientSocket.getInputStream()))
                    .isEqualTo("G");
            assertThat(clientSocket.getInputStream().read()).isEqualTo(-1);
            assertThat(serverSawEof.await(10, TimeUnit.SECONDS)).isTrue();
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> proxy.engine().sessions().endedTotal(expected) == 1);
        }
    }

    @Test
    void aClientThatStopsReadingCannotMakeTheProxyBufferTheResult() throws Exception {
        int total = 64 * 1024 * 1024;
        byte[] chunk = new byte[64 * 1024];
        new Random(3).nextBytes(chunk);
        AtomicLong written = new AtomicLong();
        try (ScriptedServer db = ScriptedServer.start((s, in, out) -> {
                    ScriptedServer.greet(out, "G");
                    for (int sent = 0; sent < total; sent += chunk.length) {
                        out.write(chunk);
                        written.addAndGet(chunk.length);
                    }
                    out.flush();
                    // Like a MySQL server after a result, the session stays open (see the test below for a close).
                    in.read();
                });
                ProxyHarness proxy =
                        ProxyHarness.start(TestConfigs.listen("MySQL").server("Primary", db.port()));
                Socket client = proxy.connect()) {
            client.setReceiveBufferSize(64 * 1024);
            await().atMost(Duration.ofSeconds(10)).until(() -> written.get() > 0);
            ProxySession session =
                    proxy.engine().sessions().sessions().iterator().next();
            AtomicLong maxBuffered = new AtomicLong();
            // While the client reads nothing, the server must end up blocked: its byte count stops moving.
            AtomicLong lastSeen = new AtomicLong(-1);
            await().atMost(Duration.ofSeconds(20))
                    .pollInterval(Duration.ofMillis(200))
                    .until(() -> {
                        maxBuffered.accumulateAndGet(session.bufferedBytes(), Math::max);
                        long now = written.get();
                        return now == lastSeen.getAndSet(now);
                    });
            for (int i = 0; i < 10; i++) {
                maxBuffered.accumulateAndGet(session.bufferedBytes(), Math::max);
            }
            assertThat(maxBuffered.get()).isLessThanOrEqualTo(RelayLimits.MAX_BUFFERED_PER_SESSION);
            // Kernel socket buffers hold a few MB at most; the proxy did not swallow the result.
            assertThat(written.get()).isLessThan(total / 2);

            // The client resumes and gets everything, intact.
            MessageDigest expected = MessageDigest.getInstance("SHA-256");
            for (int sent = 0; sent < total; sent += chunk.length) {
                expected.update(chunk);
            }
            MessageDigest got = MessageDigest.getInstance("SHA-256");
            InputStream in = client.getInputStream();
            assertThat(ScriptedServer.readGreeting(in)).isEqualTo("G");
            byte[] buf = new byte[256 * 1024];
            long received = 0;
            while (received < total) {
                int n = in.read(buf);
                assertThat(n).isPositive();
                got.update(buf, 0, n);
                received += n;
                maxBuffered.accumulateAndGet(session.bufferedBytes(), Math::max);
            }
            assertThat(received).isEqualTo(total);
            assertThat(got.digest()).isEqualTo(expected.digest());
            assertThat(maxBuffered.get()).isLessThanOrEqualTo(RelayLimits.MAX_BUFFERED_PER_SESSION);
        }
    }

    @Test
    void aServerThatClosesWhileTheClientLagsAddsAtMostOneKernelReceiveBuffer() throws Exception {
        // RelayLimits: after a server's FIN, epoll reads that socket to its end whatever auto-read says; what it can
        // pull in is what the kernel already holds for it, at most tcp_rmem's maximum.
        long kernelMax;
        // /proc files report size 0; read them as a stream, not with Files.readString.
        try (var r = java.nio.file.Files.newBufferedReader(java.nio.file.Path.of("/proc/sys/net/ipv4/tcp_rmem"))) {
            kernelMax = Long.parseLong(r.readLine().trim().split("\\s+")[2]);
        }
        // Twice the loose bound and more, so that a proxy without backpressure would fail this test.
        long total = Math.max(32L << 20, 2 * kernelMax + (8L << 20));
        byte[] chunk = new byte[64 * 1024];
        new Random(5).nextBytes(chunk);
        CountDownLatch serverDone = new CountDownLatch(1);
        try (ScriptedServer db = ScriptedServer.start((s, in, out) -> {
                    ScriptedServer.greet(out, "G");
                    for (long sent = 0; sent < total; sent += chunk.length) {
                        out.write(chunk);
                    }
                    out.flush();
                    s.shutdownOutput();
                    serverDone.countDown();
                    in.read();
                });
                ProxyHarness proxy =
                        ProxyHarness.start(TestConfigs.listen("MySQL").server("Primary", db.port()));
                Socket client = proxy.connect()) {
            client.setReceiveBufferSize(64 * 1024);
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> proxy.engine().sessions().size() == 1);
            ProxySession session =
                    proxy.engine().sessions().sessions().iterator().next();
            InputStream in = client.getInputStream();
            assertThat(ScriptedServer.readGreeting(in)).isEqualTo("G");
            byte[] buf = new byte[64 * 1024];
            long received = 0;
            long max = 0;
            // Drain slowly enough that the server's FIN arrives while the proxy still has data for the client.
            while (received < total) {
                int n = in.read(buf, 0, serverDone.getCount() == 0 ? buf.length : 4096);
                assertThat(n).isPositive();
                received += n;
                max = Math.max(max, session.bufferedBytes());
            }
            assertThat(received).isEqualTo(total);
            System.out.printf(
                    "server closing mid-drain: peak %d bytes held (kernel receive buffer max %d)%n", max, kernelMax);
            assertThat(max).isLessThanOrEqualTo(RelayLimits.MAX_BUFFERED_PER_SESSION + kernelMax);
        }
    }

    @Test
    void whenNeitherPeerReadsTheIdleTimeoutsStillEndTheSession() throws Exception {
        // Both sides write and never read: each side's reading is paused by the other's full buffers. The session must
        // still end by a timeout rather than hold its buffers forever.
        byte[] chunk = new byte[64 * 1024];
        try (ScriptedServer db = ScriptedServer.start((s, in, out) -> {
                    ScriptedServer.greet(out, "G");
                    while (true) {
                        out.write(chunk); // blocks for good once everything is full; the proxy's close ends it
                    }
                });
                ProxyHarness proxy = ProxyHarness.start(TestConfigs.listen("MySQL")
                        .server("Primary", db.port())
                        .timeouts(Duration.ofSeconds(1), Duration.ofMillis(500), Duration.ofMillis(500)));
                Socket client = proxy.connect()) {
            assertThat(ScriptedServer.readGreeting(client.getInputStream())).isEqualTo("G");
            CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
                try {
                    while (true) {
                        client.getOutputStream().write(chunk);
                    }
                } catch (IOException e) {
                    // the proxy closed the session: what this test waits for
                }
            });
            await().atMost(Duration.ofSeconds(20))
                    .until(() -> proxy.engine().sessions().size() == 0);
            assertThat(proxy.engine().sessions().endedTotal(TerminationCause.CLIENT_TIMEOUT)
                            + proxy.engine().sessions().endedTotal(TerminationCause.SERVER_TIMEOUT))
                    .isEqualTo(1);
            client.close();
            writer.get(10, TimeUnit.SECONDS);
        }
    }

    static byte[] sha256(byte[] data) throws Exception {
        return MessageDigest.getInstance("SHA-256").digest(data);
    }
}
