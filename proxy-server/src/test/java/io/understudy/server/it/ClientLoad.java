package io.understudy.server.it;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Continuous client load through the proxy, as an application pool makes it when it reconnects: each worker opens a
 * new connection, runs a query and an insert, closes, and starts again. Every connect attempt is recorded with its
 * start and end, so that a test can tell new connections started after a failure event (which must all succeed) from
 * handshakes that were in flight on a server at the instant it died or lost its role.
 */
final class ClientLoad implements AutoCloseable {
    /** One connect attempt: when it started and ended (System.nanoTime), and the error if it failed. */
    record Attempt(long startNanos, long endNanos, String error) {
        boolean failed() {
            return error != null;
        }

        long millis() {
            return (endNanos - startNanos) / 1_000_000;
        }

        /** Whether the attempt was under way at {@code instant}. */
        boolean spans(long instant) {
            return startNanos <= instant && instant <= endNanos;
        }

        /** Whether the attempt was under way at some time in [from, to]. */
        boolean overlaps(long from, long to) {
            return startNanos <= to && endNanos >= from;
        }
    }

    private final ExecutorService pool;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicLong ok = new AtomicLong();
    private final AtomicLong sessionsCut = new AtomicLong();
    private final ConcurrentLinkedQueue<Attempt> attempts = new ConcurrentLinkedQueue<>();
    private final ConcurrentHashMap<Long, AtomicLong> byServer = new ConcurrentHashMap<>();

    ClientLoad(int port, int workers) {
        pool = Executors.newFixedThreadPool(workers);
        for (int i = 0; i < workers; i++) {
            pool.execute(() -> loop(port));
        }
    }

    private void loop(int port) {
        while (running.get()) {
            long t0 = System.nanoTime();
            Connection c;
            try {
                c = Jdbc.connect(port, "connectTimeout=15000&socketTimeout=15000");
            } catch (Exception e) {
                if (running.get()) {
                    attempts.add(new Attempt(t0, System.nanoTime(), e.toString()));
                }
                continue;
            }
            attempts.add(new Attempt(t0, System.nanoTime(), null));
            try (c;
                    Statement st = c.createStatement()) {
                long id;
                try (ResultSet rs = st.executeQuery("SELECT @@server_id")) {
                    rs.next();
                    id = rs.getLong(1);
                }
                st.executeUpdate("INSERT INTO load_t (server_id) VALUES (" + id + ")");
                ok.incrementAndGet();
                byServer.computeIfAbsent(id, k -> new AtomicLong()).incrementAndGet();
            } catch (Exception e) {
                if (running.get()) {
                    sessionsCut.incrementAndGet();
                }
            }
        }
    }

    /** Cycles (connect, query, insert) that completed. */
    long ok() {
        return ok.get();
    }

    /** Established sessions whose query failed afterwards (their server died, or was closed on failover/failback). */
    long sessionsCut() {
        return sessionsCut.get();
    }

    List<Attempt> attempts() {
        return List.copyOf(attempts);
    }

    long servedBy(long serverId) {
        AtomicLong n = byServer.get(serverId);
        return n == null ? 0 : n.get();
    }

    @Override
    public void close() throws InterruptedException {
        running.set(false);
        pool.shutdown();
        pool.awaitTermination(30, TimeUnit.SECONDS);
    }
}
