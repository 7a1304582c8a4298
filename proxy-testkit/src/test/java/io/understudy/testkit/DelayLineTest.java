package io.understudy.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The user-space delay line: bytes arrive whole, in order, and never earlier than the link's latency allows. */
@Timeout(30)
class DelayLineTest {
    private static final Duration ONE_WAY = Duration.ofMillis(100);

    @TempDir
    Path dir;

    @Test
    void greetsLateThenEchoesInOrderAfterARoundTripAndPassesTheEnd() throws Exception {
        Path target = dir.resolve("server.sock");
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(target));
            // A server that greets, then echoes until the client's end of stream, then closes.
            CompletableFuture<Void> served = CompletableFuture.runAsync(() -> {
                try (SocketChannel c = server.accept()) {
                    c.write(ByteBuffer.wrap("hello".getBytes(StandardCharsets.US_ASCII)));
                    ByteBuffer buf = ByteBuffer.allocate(4096);
                    while (c.read(buf) >= 0) {
                        buf.flip();
                        c.write(buf);
                        buf.clear();
                    }
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            try (DelayLine line = new DelayLine(dir.resolve("line.sock"), target, ONE_WAY);
                    SocketChannel client = SocketChannel.open(UnixDomainSocketAddress.of(line.path()))) {
                long start = System.nanoTime();
                assertThat(read(client, 5)).isEqualTo("hello");
                long greetedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
                // Connect after the handshake's round trip, then the greeting's way back.
                assertThat(greetedMillis).isGreaterThanOrEqualTo(3 * ONE_WAY.toMillis());

                StringBuilder sent = new StringBuilder();
                long asked = System.nanoTime();
                for (int i = 0; i < 200; i++) {
                    String chunk = i + ",";
                    sent.append(chunk);
                    client.write(ByteBuffer.wrap(chunk.getBytes(StandardCharsets.US_ASCII)));
                }
                client.shutdownOutput();
                String echoed = readToEnd(client);
                long roundTripMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - asked);
                assertThat(echoed).isEqualTo(sent.toString());
                assertThat(roundTripMillis).isGreaterThanOrEqualTo(2 * ONE_WAY.toMillis());
            }
            served.get(10, TimeUnit.SECONDS);
        }
    }

    private static String read(SocketChannel c, int n) throws Exception {
        ByteBuffer buf = ByteBuffer.allocate(n);
        while (buf.hasRemaining() && c.read(buf) >= 0) {
            // keep reading
        }
        return new String(buf.array(), 0, buf.position(), StandardCharsets.US_ASCII);
    }

    private static String readToEnd(SocketChannel c) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteBuffer buf = ByteBuffer.allocate(4096);
        while (c.read(buf) >= 0) {
            out.write(buf.array(), 0, buf.position());
            buf.clear();
        }
        return out.toString(StandardCharsets.US_ASCII);
    }
}
