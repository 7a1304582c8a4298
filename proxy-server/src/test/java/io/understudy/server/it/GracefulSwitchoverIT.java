package io.understudy.server.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.understudy.testkit.LeakDetectionExtension;
import io.understudy.testkit.MariaDbExtension;
import io.understudy.testkit.MariaDbServer;
import io.understudy.testkit.Socat;
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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code set backend MySQL active-server Secondary graceful} on a dual-master pair under continuous writes through the
 * proxy: no write fails, every row written on Primary is on Secondary before the first write lands there (each row
 * records how many Primary rows the server it was written on could see), no row lands on Primary after that, and the
 * reply lists the phases. A switchover to a replica whose replication is stopped is refused and traffic stays.
 */
@Timeout(300)
@ExtendWith(LeakDetectionExtension.class)
class GracefulSwitchoverIT {
    @RegisterExtension
    static MariaDbExtension db = MariaDbExtension.dualMaster();

    static final int WRITERS = 4;

    @TempDir
    Path dir;

    String config(Path sock) {
        return Hocon.activeBackup(db.servers(), "check { type = mysql, user = checkpw, password = s3cret }")
                + "admin.sockets = [ { path = \"" + sock + "\", mode = \"600\", level = admin } ]\n";
    }

    InProcessProxy started(Path sock) throws Exception {
        InProcessProxy proxy = InProcessProxy.of(config(sock));
        await().atMost(Duration.ofSeconds(15)).until(() -> proxy.health()
                .snapshot(proxy.server("Secondary"))
                .orElseThrow()
                .health()
                .statusText()
                .equals("UP"));
        return proxy;
    }

    @Test
    void underContinuousWritesNoWriteFailsAndTheNewMasterHasEverythingFirst() throws Exception {
        MariaDbServer primary = db.primary();
        MariaDbServer secondary = db.secondary();
        primary.execute("CREATE TABLE IF NOT EXISTS test.switchover (id INT AUTO_INCREMENT PRIMARY KEY,"
                + " server_id INT, seen_primary INT, at TIMESTAMP(6) DEFAULT CURRENT_TIMESTAMP(6))");
        db.awaitReplication();
        // Two statements on one connection (an INSERT ... SELECT from the same table trips MariaDB's auto-increment
        // under concurrency): the count is read where the row is then written.
        String count =
                "SET @seen = (SELECT COUNT(*) FROM test.switchover WHERE server_id = " + primary.serverId() + ")";
        String insert = "INSERT INTO test.switchover (server_id, seen_primary) VALUES (@@server_id, @seen)";
        Path sock = dir.resolve("admin.sock");
        ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
        AtomicLong writes = new AtomicLong();
        AtomicBoolean running = new AtomicBoolean(true);
        String reply;
        try (InProcessProxy proxy = started(sock)) {
            int port = proxy.port();
            ExecutorService pool = Executors.newFixedThreadPool(WRITERS);
            try {
                for (int i = 0; i < WRITERS; i++) {
                    pool.execute(() -> {
                        while (running.get()) {
                            try (Connection c = Jdbc.connect(port, "connectTimeout=15000&socketTimeout=15000");
                                    Statement st = c.createStatement()) {
                                st.execute(count);
                                st.executeUpdate(insert);
                                writes.incrementAndGet();
                            } catch (Exception e) {
                                failures.add(e.toString());
                            }
                        }
                    });
                }
                await().atMost(Duration.ofSeconds(10)).until(() -> writes.get() > 50);
                reply = Socat.command(sock, "set backend MySQL active-server Secondary graceful timeout 8s");
                long after = writes.get();
                await().atMost(Duration.ofSeconds(20)).until(() -> writes.get() > after + 50);
            } finally {
                running.set(false);
                pool.shutdown();
                pool.awaitTermination(30, TimeUnit.SECONDS);
            }
        }
        db.awaitReplication();
        List<Map<String, Object>> rows =
                secondary.queryForRows("SELECT server_id, seen_primary FROM test.switchover ORDER BY at, id");
        long onPrimary = rows.stream()
                .filter(r -> ((Number) r.get("server_id")).longValue() == primary.serverId())
                .count();
        int firstOnSecondary = -1;
        for (int i = 0; i < rows.size(); i++) {
            if (((Number) rows.get(i).get("server_id")).longValue() == secondary.serverId()) {
                firstOnSecondary = i;
                break;
            }
        }
        String figures = String.format(
                "graceful switchover under %d writers: %d rows, %d on Primary, %d failed writes%n%s",
                WRITERS, rows.size(), onPrimary, failures.size(), reply);
        System.out.print(figures);
        Files.writeString(
                Path.of("target", "failover-figures.txt"),
                figures,
                StandardOpenOption.CREATE,
                StandardOpenOption.APPEND);
        assertThat(failures).as("failed writes").isEmpty();
        assertThat(reply)
                .containsSubsequence("check: ", "hold: ", "drain: ", "catch-up: ", "release: traffic on Secondary");
        assertThat(firstOnSecondary).as("a row written on Secondary").isPositive();
        // Ordered by time: all of Primary's rows, then only Secondary's.
        assertThat(rows.subList(firstOnSecondary, rows.size()))
                .allSatisfy(r ->
                        assertThat(((Number) r.get("server_id")).longValue()).isEqualTo(secondary.serverId()));
        // The first write on Secondary already saw every row written on Primary.
        assertThat(((Number) rows.get(firstOnSecondary).get("seen_primary")).longValue())
                .isEqualTo(onPrimary);
    }

    @Test
    void toAReplicaThatIsNotReplicatingItIsRefusedAndTrafficStays() throws Exception {
        Path sock = dir.resolve("admin.sock");
        MariaDbServer secondary = db.secondary();
        try (InProcessProxy proxy = started(sock)) {
            secondary.execute("STOP SLAVE");
            try {
                String reply = Socat.command(sock, "set backend MySQL active-server Secondary graceful timeout 5s");
                assertThat(reply)
                        .contains("aborted after")
                        .contains("Slave_SQL_Running=No")
                        .contains("traffic stays on Primary");
                assertThat(Jdbc.serverIdVia(proxy.port()))
                        .isEqualTo(db.primary().serverId());
                assertThat(proxy.engine().backends().get(0).snapshot().held()).isFalse();
            } finally {
                secondary.execute("START SLAVE");
            }
        }
    }
}
