package io.understudy.server;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * Sends one command line to an admin socket and returns the whole answer, as {@code echo "cmd" | socat stdio SOCK}
 * does: for hosts without socat ({@code understudy admin "show stat"}).
 */
final class AdminClient {
    private AdminClient() {}

    /** Longer than any command takes (the admin socket's own command timeout is 10 s). */
    static final java.time.Duration TIMEOUT = java.time.Duration.ofSeconds(30);

    static String send(Path socket, String commandLine) throws IOException {
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            // A process that accepts and never answers must not hang the caller (an upgrade, a script): closing the
            // channel from another thread ends the blocked read.
            java.util.concurrent.CompletableFuture<Void> deadline = java.util.concurrent.CompletableFuture.runAsync(
                    () -> {
                        try {
                            ch.close();
                        } catch (IOException e) {
                            // Closing anyway.
                        }
                    },
                    java.util.concurrent.CompletableFuture.delayedExecutor(
                            TIMEOUT.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS));
            try {
                return exchange(ch, socket, commandLine);
            } catch (java.nio.channels.AsynchronousCloseException e) {
                throw new IOException("no answer within " + TIMEOUT.toSeconds() + "s", e);
            } finally {
                deadline.cancel(false);
            }
        }
    }

    private static String exchange(SocketChannel ch, Path socket, String commandLine) throws IOException {
        ch.connect(UnixDomainSocketAddress.of(socket));
        ByteBuffer out = ByteBuffer.wrap((commandLine + "\n").getBytes(StandardCharsets.UTF_8));
        while (out.hasRemaining()) {
            ch.write(out);
        }
        // The proxy answers and closes (one command line per connection, HAProxy's non-interactive mode).
        ByteArrayOutputStream answer = new ByteArrayOutputStream();
        ByteBuffer in = ByteBuffer.allocate(64 * 1024);
        while (ch.read(in) >= 0) {
            in.flip();
            answer.write(in.array(), 0, in.limit());
            in.clear();
        }
        return answer.toString(StandardCharsets.UTF_8);
    }
}
