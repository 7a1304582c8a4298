package io.understudy.server.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.understudy.core.model.ModelEvent;
import io.understudy.testkit.LeakDetectionExtension;
import io.understudy.testkit.MariaDbExtension;
import io.understudy.testkit.MariaDbServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A brownout on a dual-master pair, the case that once alternated writes between the two masters: the primary stutters
 * (frozen 1.3 s, running 0.4 s, four times) while writers open a connection per INSERT through the proxy with the
 * default timings. Ordered by time, the rows may change server at most twice (one move away, one back), and no write
 * may fail but those whose login was under way on the primary at the instant it froze: clients whose connect found the
 * primary frozen wait in the queue for the health checks' verdict instead of writing to the other master on their own.
 * A login under way at a freeze is answered by the primary or by nobody; once the primary is marked down, such a
 * session (which cannot have written anything) is closed so that the new writer need not wait for it (the design
 * choice explained in docs/configuration.md, "Moving the writer"); those failures are counted and printed apart.
 */
@Timeout(300)
@ExtendWith(LeakDetectionExtension.class)
class BrownoutIT {
    @RegisterExtension
    static MariaDbExtension db = MariaDbExtension.dualMaster();

    static final int WRITERS = 4;

    @Test
    void aStutteringPrimaryKeepsTheWritesOnOneMasterAtATime() throws Exception {
        MariaDbServer primary = db.primary();
        primary.execute("CREATE TABLE IF NOT EXISTS test.brownout (id INT AUTO_INCREMENT PRIMARY KEY,"
                + " server_id INT, at TIMESTAMP(6) DEFAULT CURRENT_TIMESTAMP(6))");
        db.awaitReplication();
        AtomicLong moves = new AtomicLong();
        ConcurrentLinkedQueue<long[]> failed = new ConcurrentLinkedQueue<>();
        ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
        // Each freeze from the signal until it took effect (a multi-threaded mariadbd may greet for a few more ms).
        List<long[]> freezes = new java.util.concurrent.CopyOnWriteArrayList<>();
        AtomicLong writes = new AtomicLong();
        AtomicBoolean running = new AtomicBoolean(true);
        try (InProcessProxy proxy =
                InProcessProxy.activeBackup(db.servers(), "check { type = mysql, user = haproxy }")) {
            proxy.engine().control().addObserver(e -> {
                if (e instanceof ModelEvent.TrafficMoved) {
                    moves.incrementAndGet();
                }
            });
            await().atMost(Duration.ofSeconds(10)).until(() -> proxy.health()
                    .snapshot(proxy.server("Primary"))
                    .orElseThrow()
                    .health()
                    .statusText()
                    .equals("UP"));
            int port = proxy.port();
            ExecutorService pool = Executors.newFixedThreadPool(WRITERS);
            try {
                for (int i = 0; i < WRITERS; i++) {
                    pool.execute(() -> {
                        while (running.get()) {
                            long start = System.nanoTime();
                            try (Connection c = Jdbc.connect(port, "connectTimeout=15000&socketTimeout=15000");
                                    Statement st = c.createStatement()) {
                                st.executeUpdate("INSERT INTO test.brownout (server_id) VALUES (@@server_id)");
                                writes.incrementAndGet();
                            } catch (Exception e) {
                                long end = System.nanoTime();
                                failed.add(new long[] {start, end});
                                long first = freezes.isEmpty() ? start : freezes.get(0)[0];
                                failures.add("+" + (start - first) / 1_000_000 + "ms/" + (end - start) / 1_000_000
                                        + "ms after the first freeze: "
                                        + e.toString().replaceAll("\\s+", " "));
                            }
                        }
                    });
                }
                await().atMost(Duration.ofSeconds(10)).until(() -> writes.get() > 20);
                // The stimulus itself is timed (a stutter), so it is scripted with parks; nothing waits on a
                // condition here.
                for (int i = 0; i < 4; i++) {
                    long signalled = System.nanoTime();
                    primary.freeze();
                    freezes.add(new long[] {signalled, System.nanoTime()});
                    try {
                        LockSupport.parkNanos(Duration.ofMillis(1300).toNanos());
                    } finally {
                        primary.thaw();
                    }
                    LockSupport.parkNanos(Duration.ofMillis(400).toNanos());
                }
                long after = writes.get();
                await().atMost(Duration.ofSeconds(20)).until(() -> writes.get() > after + 20);
            } finally {
                running.set(false);
                pool.shutdown();
                pool.awaitTermination(30, TimeUnit.SECONDS);
                primary.thaw();
            }
        }
        db.awaitReplication();
        List<Map<String, Object>> rows =
                db.secondary().queryForRows("SELECT server_id FROM test.brownout ORDER BY at, id");
        long switches = 0;
        Object last = null;
        long onPrimary = 0;
        for (Map<String, Object> r : rows) {
            Object id = r.get("server_id");
            if (last != null && !last.equals(id)) {
                switches++;
            }
            last = id;
            if (String.valueOf(id).equals(String.valueOf(primary.serverId()))) {
                onPrimary++;
            }
        }
        // A write whose connection was under way while a freeze took hold (its login may have been on the primary
        // then).
        long atFreeze = failed.stream()
                .filter(f -> freezes.stream().anyMatch(t -> f[0] <= t[1] && t[0] <= f[1]))
                .count();
        long otherFailures = failed.size() - atFreeze;
        String figures = String.format(
                "brownout (frozen 1.3 s / running 0.4 s, 4 times, %d writers): %d rows, %d on Primary, %d on"
                        + " Secondary, %d switches of server in time order, %d traffic moves, %d failed writes (%d"
                        + " under way at a freeze instant) %s%n",
                WRITERS,
                rows.size(),
                onPrimary,
                rows.size() - onPrimary,
                switches,
                moves.get(),
                failures.size(),
                atFreeze,
                failures.stream().limit(5).toList());
        System.out.print(figures);
        Files.writeString(
                Path.of("target", "failover-figures.txt"),
                figures,
                StandardOpenOption.CREATE,
                StandardOpenOption.APPEND);
        assertThat(otherFailures)
                .as("failed writes not under way at a freeze: %s", failures)
                .isZero();
        // At most the writers under way at the one freeze that moved the traffic.
        assertThat(atFreeze).as("failed writes under way at a freeze").isLessThanOrEqualTo(WRITERS);
        assertThat(switches).as("changes of server, in time order").isLessThanOrEqualTo(2);
    }
}
