package io.understudy.checks.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.understudy.checks.sql.CatchUpException.Reason;
import io.understudy.testkit.MariaDbExtension;
import io.understudy.testkit.MariaDbServer;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@link ReplicationCatchUp} against a real MariaDB primary (the server traffic leaves) and its replicating backup (the
 * server traffic goes to), logged in as the SQL check's {@code checkpw}, which has SLAVE MONITOR.
 */
@Timeout(60)
class ReplicationCatchUpTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final Duration SHORT_TIMEOUT = Duration.ofSeconds(1);
    /** What a loaded 2-core machine may add to a call that ends at its timeout: the guard's slack and scheduling. */
    private static final long MARGIN_MILLIS = 1500;

    @RegisterExtension
    static MariaDbExtension db = MariaDbExtension.primaryBackup();

    private static final ExecutorService pool = Executors.newFixedThreadPool(4);
    private static final AtomicInteger submitted = new AtomicInteger();
    private static final ReplicationCatchUp catchUp = new ReplicationCatchUp(
            task -> {
                submitted.incrementAndGet();
                pool.execute(task);
            },
            "checkpw",
            "s3cret");

    @BeforeAll
    static void createTable() {
        db.primary().execute("CREATE TABLE test.orders (id INT AUTO_INCREMENT PRIMARY KEY, v VARCHAR(20))");
    }

    @AfterAll
    static void closePool() {
        pool.shutdownNow();
    }

    @BeforeEach
    void replicationRuns() {
        // A previous test may have stopped a server or replication; the extension restarted them, and the IO thread
        // reconnects within a second.
        await().atMost(Duration.ofSeconds(20)).until(() -> {
            Map<String, Object> s = slaveStatus(db.backup());
            return "Yes".equals(s.get("Slave_IO_Running")) && "Yes".equals(s.get("Slave_SQL_Running"));
        });
    }

    @Test
    void thePositionIsThePrimarysBinlogPositionAndMovesWithEachWrite() throws Exception {
        write(db.primary(), "first");
        GtidPosition before = get(catchUp.position("db/primary", address(db.primary()), TIMEOUT));
        write(db.primary(), "second");
        GtidPosition after = get(catchUp.position("db/primary", address(db.primary()), TIMEOUT));

        assertThat(before.text()).isNotEmpty().matches("1-1-\\d+");
        assertThat(after.text()).isEqualTo(db.primary().queryForString("SELECT @@gtid_binlog_pos"));
        assertThat(seq(after)).isEqualTo(seq(before) + 1);
        assertThat(submitted).as("every call runs on the given pool").hasPositiveValue();
    }

    @Test
    void theBackupAppliesTheWritesOfThePrimaryQuickly() throws Exception {
        for (int i = 0; i < 20; i++) {
            write(db.primary(), "w" + i);
        }
        GtidPosition pos = get(catchUp.position("db/primary", address(db.primary()), TIMEOUT));

        Duration took = get(catchUp.awaitApplied("db/backup", address(db.backup()), pos, TIMEOUT));

        assertThat(took).isLessThan(Duration.ofSeconds(2));
        assertThat(db.backup().queryForString("SELECT @@gtid_slave_pos")).contains(pos.text());
        assertThat(db.backup().queryForLong("SELECT COUNT(*) FROM test.orders"))
                .isEqualTo(db.primary().queryForLong("SELECT COUNT(*) FROM test.orders"));
    }

    @Test
    void aBackupWhoseReplicationStoppedDoesNotApplyInTimeAndSaysWhereItIs() throws Exception {
        write(db.primary(), "applied");
        GtidPosition applied = get(catchUp.position("db/primary", address(db.primary()), TIMEOUT));
        get(catchUp.awaitApplied("db/backup", address(db.backup()), applied, TIMEOUT));
        try {
            db.backup().execute("STOP SLAVE");
            write(db.primary(), "not yet");
            GtidPosition pending = get(catchUp.position("db/primary", address(db.primary()), TIMEOUT));
            long start = System.nanoTime();

            CatchUpException e =
                    failure(catchUp.awaitApplied("db/backup", address(db.backup()), pending, SHORT_TIMEOUT));

            long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertThat(e.reason()).isEqualTo(Reason.NOT_APPLIED);
            assertThat(e.getMessage())
                    .isEqualTo(name("db/backup", db.backup()) + " did not apply " + pending + " within 1s (at "
                            + applied + "); not replicating: Slave_IO_Running=No, Slave_SQL_Running=No");
            assertThat(tookMillis).isBetween(SHORT_TIMEOUT.toMillis(), SHORT_TIMEOUT.toMillis() + MARGIN_MILLIS);
        } finally {
            db.backup().execute("START SLAVE");
        }
        // Once replication runs again, the same position is applied.
        GtidPosition now = get(catchUp.position("db/primary", address(db.primary()), TIMEOUT));
        assertThat(get(catchUp.awaitApplied("db/backup", address(db.backup()), now, TIMEOUT)))
                .isLessThan(TIMEOUT);
    }

    @Test
    void anEmptyPositionIsAppliedAtOnceWithoutAsking() throws Exception {
        db.backup().stop();

        assertThat(get(catchUp.awaitApplied("db/backup", address(db.backup()), GtidPosition.empty(), TIMEOUT)))
                .isZero();
        assertThat(new GtidPosition(" \n").isEmpty()).isTrue();
    }

    @Test
    void aReplicatingBackupPassesRequireReplicating() throws Exception {
        assertThat(get(catchUp.requireReplicating("db/backup", address(db.backup()), TIMEOUT)))
                .isNull();
    }

    @Test
    void aServerThatIsNotAReplicaFailsRequireReplicating() {
        CatchUpException e = failure(catchUp.requireReplicating("db/primary", address(db.primary()), TIMEOUT));

        assertThat(e.reason()).isEqualTo(Reason.NOT_A_REPLICA);
        assertThat(e.getMessage())
                .isEqualTo(name("db/primary", db.primary()) + " is not a replica: SHOW REPLICA STATUS returned no row");
    }

    @Test
    void aBackupWhoseSqlThreadStoppedFailsRequireReplicating() {
        try {
            db.backup().execute("STOP SLAVE SQL_THREAD");

            CatchUpException e = failure(catchUp.requireReplicating("db/backup", address(db.backup()), TIMEOUT));

            assertThat(e.reason()).isEqualTo(Reason.NOT_REPLICATING);
            assertThat(e.getMessage())
                    .isEqualTo(name("db/backup", db.backup())
                            + " is not replicating: Slave_IO_Running=Yes, Slave_SQL_Running=No");
        } finally {
            db.backup().execute("START SLAVE SQL_THREAD");
        }
    }

    @Test
    void anAccountWithoutSlaveMonitorMayWaitButNotAskForTheReplicaStatus() throws Exception {
        ReplicationCatchUp usageOnly = new ReplicationCatchUp(pool, "haproxy", "");
        write(db.primary(), "usage");

        GtidPosition pos = get(usageOnly.position("db/primary", address(db.primary()), TIMEOUT));
        get(usageOnly.awaitApplied("db/backup", address(db.backup()), pos, TIMEOUT));
        CatchUpException e = failure(usageOnly.requireReplicating("db/backup", address(db.backup()), TIMEOUT));

        assertThat(e.reason()).isEqualTo(Reason.SERVER_ERROR);
        assertThat(e.getMessage())
                .startsWith(name("db/backup", db.backup()) + " refused SHOW REPLICA STATUS: error 1227: Access denied");
    }

    @Test
    void aStoppedServerFailsAtOnceAsUnreachable() {
        db.backup().stop();
        long start = System.nanoTime();

        CatchUpException wait =
                failure(catchUp.awaitApplied("db/backup", address(db.backup()), new GtidPosition("1-1-1"), TIMEOUT));
        CatchUpException status = failure(catchUp.requireReplicating("db/backup", address(db.backup()), TIMEOUT));

        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(TIMEOUT.toMillis() / 2);
        for (CatchUpException e : List.of(wait, status)) {
            assertThat(e.reason()).isEqualTo(Reason.UNREACHABLE);
            assertThat(e.getMessage())
                    .isEqualTo(name("db/backup", db.backup()) + " is unreachable: Connection refused");
        }
    }

    @Test
    void aFrozenServerFailsWithinTheTimeoutInsteadOfHanging() {
        db.primary().freeze();
        long start = System.nanoTime();

        CatchUpException e = failure(catchUp.position("db/primary", address(db.primary()), SHORT_TIMEOUT));

        long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertThat(e.reason()).isEqualTo(Reason.NO_ANSWER);
        assertThat(e.getMessage()).startsWith(name("db/primary", db.primary()) + " did not answer within 1s (login: ");
        assertThat(tookMillis).isLessThan(SHORT_TIMEOUT.toMillis() + MARGIN_MILLIS);
    }

    @Test
    void aPoolThatRefusesTheWorkFailsAtOnce() {
        ReplicationCatchUp refused = new ReplicationCatchUp(
                task -> {
                    throw new RejectedExecutionException("saturated");
                },
                "checkpw",
                "s3cret");

        CompletableFuture<GtidPosition> f = refused.position("db/primary", address(db.primary()), TIMEOUT);

        assertThat(f).isCompletedExceptionally();
        assertThat(failure(f).reason()).isEqualTo(Reason.NOT_STARTED);
        assertThatThrownBy(() -> refused.position("db/primary", address(db.primary()), Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private static void write(MariaDbServer server, String value) {
        server.execute("INSERT INTO test.orders (v) VALUES ('" + value + "')");
    }

    private static long seq(GtidPosition pos) {
        return Long.parseLong(pos.text().substring(pos.text().lastIndexOf('-') + 1));
    }

    private static InetSocketAddress address(MariaDbServer server) {
        return new InetSocketAddress(server.host(), server.port());
    }

    private static String name(String server, MariaDbServer s) {
        return server + " (" + s.host() + ":" + s.port() + ")";
    }

    private static Map<String, Object> slaveStatus(MariaDbServer replica) {
        List<Map<String, Object>> rows = replica.queryForRows("SHOW SLAVE STATUS");
        assertThat(rows).as("SHOW SLAVE STATUS on " + replica).hasSize(1);
        return rows.get(0);
    }

    /** The value; every call of the class under test completes on its own, so the wait here is only a safety net. */
    private static <T> T get(CompletableFuture<T> f) throws Exception {
        return f.get(30, TimeUnit.SECONDS);
    }

    private static CatchUpException failure(CompletableFuture<?> f) {
        try {
            Object value = f.get(30, TimeUnit.SECONDS);
            throw new AssertionError("expected a CatchUpException, got " + value);
        } catch (ExecutionException e) {
            assertThat(e.getCause()).isInstanceOf(CatchUpException.class);
            return (CatchUpException) e.getCause();
        } catch (Exception e) {
            throw new AssertionError("the future did not complete in time", e);
        }
    }
}
