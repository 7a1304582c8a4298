package io.understudy.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.DelayQueue;
import java.util.concurrent.Delayed;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A link with latency, in user space, for kernels without {@code sch_netem}: a Unix-socket relay in front of a MariaDB
 * server's socket that holds every chunk of bytes for {@code oneWay} in each direction, in order, and connects to the
 * server only {@code 2 × oneWay} after a client connected (the handshake's round trip). Put behind a {@link
 * FaultLab#bridge(int, Path)} it makes the server's TCP leg slow as a long link would, while nftables still drops
 * packets on that leg.
 *
 * <p>What it does not do, unlike netem: the kernel's own round trip on the TCP leg stays that of loopback, so TCP
 * retransmits a lost data segment after its 200 ms minimum rather than after a timeout learnt on a slow path (a lost SYN
 * still costs the full 1 s), and packets are never reordered.
 *
 * <p>Each connection uses four platform threads (a reader and a writer each way); meant for tests with tens of
 * connections, not thousands.
 */
public final class DelayLine implements AutoCloseable {
    private final Path listen;
    private final Path target;
    private final long oneWayNanos;
    private final ServerSocketChannel server;
    private final List<SocketChannel> open = new CopyOnWriteArrayList<>();
    private final AtomicLong sequence = new AtomicLong();
    private volatile boolean closed;

    /**
     * Listens on {@code listen} (which must not exist) and relays to {@code target} with {@code oneWay} of latency each
     * way.
     */
    public DelayLine(Path listen, Path target, Duration oneWay) {
        this.listen = listen;
        this.target = target;
        this.oneWayNanos = oneWay.toNanos();
        try {
            server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
            server.bind(UnixDomainSocketAddress.of(listen));
        } catch (IOException e) {
            throw new UncheckedIOException("delay line on " + listen, e);
        }
        thread("delay-accept", this::acceptLoop);
    }

    /** Where clients connect. */
    public Path path() {
        return listen;
    }

    private void acceptLoop() {
        while (!closed) {
            SocketChannel client;
            try {
                client = server.accept();
            } catch (IOException e) {
                return; // closed
            }
            open.add(client);
            thread("delay-connect", () -> connect(client));
        }
    }

    /** Waits the handshake's round trip, then joins the client to the server with one delayed pipe each way. */
    private void connect(SocketChannel client) {
        SocketChannel upstream = null;
        try {
            TimeUnit.NANOSECONDS.sleep(2 * oneWayNanos); // the emulated link's latency, not a wait for a condition
            upstream = SocketChannel.open(UnixDomainSocketAddress.of(target));
            open.add(upstream);
        } catch (IOException | InterruptedException e) {
            closeQuietly(client);
            closeQuietly(upstream);
            return;
        }
        Pair pair = new Pair(client, upstream);
        pipe(client, upstream, pair, "up");
        pipe(upstream, client, pair, "down");
        if (closed) {
            pair.close();
        }
    }

    /** One direction: a reader stamps each chunk with its due time, a writer delivers it then. */
    private void pipe(SocketChannel from, SocketChannel to, Pair pair, String name) {
        DelayQueue<Chunk> line = new DelayQueue<>();
        thread("delay-read-" + name, () -> {
            ByteBuffer buf = ByteBuffer.allocate(16 * 1024);
            try {
                while (true) {
                    buf.clear();
                    int n = from.read(buf);
                    if (n < 0) {
                        break;
                    }
                    buf.flip();
                    byte[] bytes = new byte[buf.remaining()];
                    buf.get(bytes);
                    line.add(new Chunk(bytes, System.nanoTime() + oneWayNanos, sequence.incrementAndGet()));
                }
            } catch (IOException e) {
                pair.close(); // a reset or our own close: the link is gone both ways
            } finally {
                // The writer ends on this, whichever way the reading ended.
                line.add(new Chunk(null, System.nanoTime() + oneWayNanos, sequence.incrementAndGet()));
            }
        });
        thread("delay-write-" + name, () -> {
            try {
                while (true) {
                    Chunk c = line.take();
                    if (c.bytes == null) {
                        to.shutdownOutput();
                        pair.halfClosed();
                        return;
                    }
                    ByteBuffer b = ByteBuffer.wrap(c.bytes);
                    while (b.hasRemaining()) {
                        to.write(b);
                    }
                }
            } catch (IOException | InterruptedException e) {
                pair.close();
            }
        });
    }

    private static void thread(String name, Runnable r) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        t.start();
    }

    /** Stops accepting and cuts every connection. */
    @Override
    public void close() {
        closed = true;
        closeQuietly(server);
        for (SocketChannel c : open) {
            closeQuietly(c); // each reader ends on the close and tells its writer, which then ends too
        }
        try {
            Files.deleteIfExists(listen);
        } catch (IOException e) {
            // A leftover socket file in a temp dir the test removes anyway.
        }
    }

    private static void closeQuietly(java.io.Closeable c) {
        if (c == null) {
            return;
        }
        try {
            c.close();
        } catch (IOException e) {
            // Already gone.
        }
    }

    /** Both ends of one relayed connection: closed together when one side fails or both have finished. */
    private final class Pair {
        private final SocketChannel a;
        private final SocketChannel b;
        private int finished;

        Pair(SocketChannel a, SocketChannel b) {
            this.a = a;
            this.b = b;
        }

        synchronized void halfClosed() {
            if (++finished == 2) {
                close();
            }
        }

        void close() {
            closeQuietly(a);
            closeQuietly(b);
            open.remove(a);
            open.remove(b);
        }
    }

    /** Bytes due at {@code dueNanos}; {@code bytes == null} is the end of the stream. Ties keep arrival order. */
    private record Chunk(byte[] bytes, long dueNanos, long seq) implements Delayed {
        @Override
        public long getDelay(TimeUnit unit) {
            return unit.convert(dueNanos - System.nanoTime(), TimeUnit.NANOSECONDS);
        }

        @Override
        public int compareTo(Delayed o) {
            Chunk c = (Chunk) o;
            int byDue = Long.compare(dueNanos, c.dueNanos);
            return byDue != 0 ? byDue : Long.compare(seq, c.seq);
        }
    }
}
