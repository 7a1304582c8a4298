package io.understudy.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.understudy.testkit.LeakDetectionExtension;
import io.understudy.testkit.MariaDbExtension;
import io.understudy.testkit.Socat;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Garbage on the admin socket (random bytes, a 1 MB line, 1,000 clients at once, commands cut off mid-line) while
 * clients query MariaDB through the proxy: every query still succeeds and the socket still answers afterwards.
 */
@Timeout(180)
@ExtendWith(LeakDetectionExtension.class)
class AdminAbuseIT {
    @RegisterExtension
    static MariaDbExtension db = MariaDbExtension.single();

    @TempDir
    Path dir;

    @Test
    void trafficKeepsFlowingAndTheSocketKeepsAnswering() throws Exception {
        Path sock = dir.resolve("admin.sock");
        try (InProcessProxy proxy = InProcessProxy.of(Hocon.activeBackup(db.servers(), "")
                + "admin.sockets = [ { path = \"" + sock + "\", level = admin } ]\n")) {
            AtomicBoolean running = new AtomicBoolean(true);
            AtomicLong queries = new AtomicLong();
            ExecutorService pool = Executors.newFixedThreadPool(40);
            Future<?> traffic = pool.submit(() -> {
                while (running.get()) {
                    if (Jdbc.serverIdVia(proxy.port()) != db.server().serverId()) {
                        throw new IllegalStateException("wrong server");
                    }
                    queries.incrementAndGet();
                }
                return null;
            });
            try {
                Random random = new Random(7);
                // Random bytes and NULs, a 1 MB line, a command cut off mid-line.
                byte[] garbage = new byte[64 * 1024];
                random.nextBytes(garbage);
                send(sock, garbage);
                byte[] huge = new byte[1024 * 1024];
                java.util.Arrays.fill(huge, (byte) 'a');
                send(sock, huge);
                // A real command cut off before its newline: it must never run.
                send(sock, "disable server MySQL/Primary".getBytes(StandardCharsets.US_ASCII));
                // 1,000 clients connected at once before any sends; those over the limit (100) are told so.
                List<SocketChannel> clients = new ArrayList<>();
                try {
                    for (int i = 0; i < 1000; i++) {
                        SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
                        clients.add(ch);
                        ch.connect(UnixDomainSocketAddress.of(sock));
                    }
                    // The connects sit in the socket's backlog until the proxy accepts them, at its own pace. Wait
                    // until it has accepted more than its limit, which it answers at once (a refusal line, or the
                    // idlest connection closed): sending the requests before that lets quick answers keep the count
                    // below the limit, and the limit goes untested.
                    java.util.Map<SocketChannel, String> early = new java.util.HashMap<>();
                    try (java.nio.channels.Selector selector = java.nio.channels.Selector.open()) {
                        for (SocketChannel ch : clients) {
                            ch.configureBlocking(false);
                            ch.register(selector, java.nio.channels.SelectionKey.OP_READ, ch);
                        }
                        org.awaitility.Awaitility.await()
                                .atMost(java.time.Duration.ofSeconds(30))
                                .until(() -> selector.select(100) > 0);
                        for (java.nio.channels.SelectionKey k : selector.selectedKeys()) {
                            SocketChannel ch = (SocketChannel) k.attachment();
                            early.put(ch, drain(ch));
                        }
                    }
                    for (SocketChannel ch : clients) {
                        ch.configureBlocking(true);
                    }
                    List<Future<String>> answers = new ArrayList<>();
                    for (SocketChannel ch : clients) {
                        String before = early.getOrDefault(ch, "");
                        answers.add(pool.submit(() -> before + exchange(ch, "show info\n")));
                    }
                    int answered = 0;
                    int refused = 0;
                    for (Future<String> a : answers) {
                        String out = a.get(60, TimeUnit.SECONDS);
                        if (out.contains("Name: ")) {
                            answered++;
                        } else {
                            // Refused: the line, or nothing when the close discarded the unread request (a reset).
                            assertThat(out).satisfiesAnyOf(o -> assertThat(o).isEmpty(), o -> assertThat(o)
                                    .startsWith("Too many admin connections"));
                            refused++;
                        }
                    }
                    assertThat(answered).isGreaterThan(0);
                    assertThat(refused).isGreaterThan(0);
                } finally {
                    for (SocketChannel ch : clients) {
                        ch.close();
                    }
                }
            } finally {
                running.set(false);
                traffic.get(60, TimeUnit.SECONDS);
                pool.shutdownNow();
            }
            assertThat(queries.get()).isGreaterThan(0);
            // The cut-off command was never run, and the socket answers as before.
            assertThat(proxy.server("Primary").state().inMaintenance()).isFalse();
            assertThat(Socat.command(sock, "show servers state MySQL")).contains(" Primary ");
            assertThat(Socat.command(sock, "show stat").lines().filter(l -> l.startsWith("MySQL,Primary,")))
                    .singleElement()
                    .satisfies(l -> assertThat(l.split(",", -1)[17]).isEqualTo("no check"));
            System.out.printf("admin abuse: %d queries through the proxy meanwhile, all succeeded%n", queries.get());
        }
    }

    /** What a non-blocking channel has to read now, up to its end if it has ended. */
    static String drain(SocketChannel ch) {
        StringBuilder text = new StringBuilder();
        ByteBuffer in = ByteBuffer.allocate(4096);
        try {
            while (ch.read(in) > 0) {
                in.flip();
                text.append(StandardCharsets.UTF_8.decode(in));
                in.clear();
            }
        } catch (java.io.IOException e) {
            // reset after the refusal line
        }
        return text.toString();
    }

    /** Sends {@code text} on a connected channel, half-closes, reads the whole answer. */
    static String exchange(SocketChannel ch, String text) throws Exception {
        ByteBuffer out = ByteBuffer.wrap(text.getBytes(StandardCharsets.US_ASCII));
        StringBuilder answer = new StringBuilder();
        try {
            while (out.hasRemaining()) {
                ch.write(out);
            }
            ch.shutdownOutput();
            ByteBuffer in = ByteBuffer.allocate(16 * 1024);
            while (ch.read(in) >= 0) {
                in.flip();
                answer.append(StandardCharsets.UTF_8.decode(in));
                in.clear();
            }
        } catch (java.io.IOException e) {
            // a refused connection may be reset after its one line
        }
        return answer.toString();
    }

    /** Writes {@code bytes}, half-closes, reads until the proxy closes; never hangs (the idle limit closes it). */
    static String send(Path sock, byte[] bytes) throws Exception {
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(sock));
            ByteBuffer out = ByteBuffer.wrap(bytes);
            try {
                while (out.hasRemaining()) {
                    ch.write(out);
                }
                ch.shutdownOutput();
            } catch (java.io.IOException e) {
                // The proxy may close a 1 MB line before all of it is written: that is the point.
            }
            StringBuilder answer = new StringBuilder();
            ByteBuffer in = ByteBuffer.allocate(16 * 1024);
            try {
                while (ch.read(in) >= 0) {
                    in.flip();
                    answer.append(StandardCharsets.UTF_8.decode(in));
                    in.clear();
                }
            } catch (java.io.IOException e) {
                // reset after an over-long line
            }
            return answer.toString();
        }
    }
}
