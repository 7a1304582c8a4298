package io.understudy.checks.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.understudy.checks.CheckResult;
import io.understudy.checks.CheckStatus;
import io.understudy.core.config.CheckConfig;
import io.understudy.testkit.MariaDbExtension;
import io.understudy.testkit.MariaDbServer;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link SqlCheck} against a real MariaDB primary and its replicating backup, shared by every test. */
@Timeout(180)
class SqlCheckTest {
    private static final Duration SHORT_TIMEOUT = Duration.ofSeconds(1);
    /** What a loaded 2-core machine may add on top of the check's own slack before a result is seen. */
    private static final long SCHEDULING_MARGIN_MILLIS = 500;
    /** The latest a timed-out check may be seen: its timeout, the guard's slack, and the machine's margin. */
    private static final long MAX_TIMEOUT_MILLIS =
            SHORT_TIMEOUT.toMillis() + SqlCheck.GUARD_SLACK_MILLIS + SCHEDULING_MARGIN_MILLIS;

    @RegisterExtension
    static MariaDbExtension db = MariaDbExtension.primaryBackup();

    private static final SqlCheckExecutor executor = new SqlCheckExecutor();

    @AfterAll
    static void closeExecutor() {
        executor.close();
    }

    @Nested
    class OnThePrimary {
        @Test
        void theDefaultQueryPassesWithTheServerVersionAsInfo() {
            CheckResult r = check(db.primary(), SqlCheckConfigs.checkpw(), false);

            assertThat(r.status()).isEqualTo(CheckStatus.L7OK);
            assertThat(r.code()).hasValue(0);
            assertThat(r.info()).isEqualTo(db.primary().queryForString("SELECT VERSION()"));
        }

        @Test
        void anAccountWithoutPasswordPasses() {
            assertThat(check(db.primary(), SqlCheckConfigs.sql("haproxy", ""), false)
                            .status())
                    .isEqualTo(CheckStatus.L7OK);
        }

        @Test
        void aWrongPasswordIsL7sts1045() {
            CheckResult r = check(db.primary(), SqlCheckConfigs.sql("checkpw", "wrong"), false);

            assertThat(r.status()).isEqualTo(CheckStatus.L7STS);
            assertThat(r.code()).hasValue(1045);
            assertThat(r.info()).startsWith("Access denied for user 'checkpw'");
        }

        @Test
        void aFailingQueryIsL7stsWithTheServersErrorNumber() {
            CheckResult syntax = check(db.primary(), SqlCheckConfigs.withQuery("SELEKT 1"), false);
            CheckResult missingTable = check(
                    db.primary(),
                    SqlCheckConfigs.sql(
                            "app",
                            "app",
                            SqlCheckConfigs.PASSING_TIMEOUT,
                            "SELECT * FROM test.nope",
                            false,
                            Optional.empty()),
                    false);

            assertThat(syntax.status()).isEqualTo(CheckStatus.L7STS);
            assertThat(syntax.code()).hasValue(1064);
            assertThat(syntax.info()).contains("SQL syntax");
            assertThat(missingTable.status()).isEqualTo(CheckStatus.L7STS);
            assertThat(missingTable.code()).hasValue(1146);
            assertThat(missingTable.info()).isEqualTo("Table 'test.nope' doesn't exist");
        }

        @Test
        void aReadOnlyPrimaryFailsRequireWritableUntilItIsWritableAgain() {
            try {
                db.primary().execute("SET GLOBAL read_only = ON");
                CheckResult readOnly = check(db.primary(), SqlCheckConfigs.requireWritable(), false);

                assertThat(readOnly.status()).isEqualTo(CheckStatus.L7STS);
                assertThat(readOnly.code()).hasValue(SqlCheck.CODE_NOT_WRITABLE);
                assertThat(readOnly.info()).isEqualTo("read_only=1: not writable");
                // Without require-writable a read-only server is still fine.
                assertThat(check(db.primary(), SqlCheckConfigs.checkpw(), false).status())
                        .isEqualTo(CheckStatus.L7OK);
            } finally {
                db.primary().execute("SET GLOBAL read_only = OFF");
            }
            CheckResult writable = check(db.primary(), SqlCheckConfigs.requireWritable(), false);

            assertThat(writable.status()).isEqualTo(CheckStatus.L7OK);
            assertThat(writable.info()).endsWith("; read_only=0");
        }

        @Test
        void aPassingCheckQuitsCleanly() {
            long abortedBefore = abortedClients(db.primary());

            for (int i = 0; i < 3; i++) {
                assertThat(check(db.primary(), SqlCheckConfigs.checkpw(), false).passed())
                        .isTrue();
            }

            // A client that disconnects without COM_QUIT counts as an aborted client.
            assertThat(abortedClients(db.primary())).isEqualTo(abortedBefore);
            // The driver starts a timer thread per connection for query timeouts; closing must end it.
            await().atMost(Duration.ofSeconds(5)).until(() -> liveThreadsNamed(CANCEL_TIMER_THREAD) == 0);
        }

        @Test
        void aSlowQueryTimesOutAndIsKilledOnTheServer() {
            String slow = "SELECT SLEEP(30) AS understudy_slow_check";
            CheckConfig cfg = SqlCheckConfigs.sql("checkpw", "s3cret", SHORT_TIMEOUT, slow, false, Optional.empty());

            CheckResult r = check(db.primary(), cfg, false);

            assertThat(r.status()).isEqualTo(CheckStatus.L7TOUT);
            assertThat(r.durationMillis()).isLessThan(MAX_TIMEOUT_MILLIS);
            // The driver's KILL QUERY ends it long before its 30 s: stuck check queries must not pile up.
            await().atMost(Duration.ofSeconds(5)).until(() -> db.primary()
                    .queryForRows("SELECT ID FROM information_schema.PROCESSLIST"
                            + " WHERE INFO LIKE '%understudy_slow_check%' AND INFO NOT LIKE '%PROCESSLIST%'")
                    .isEmpty());
            await().atMost(Duration.ofSeconds(5)).until(() -> executor.busyThreads() == 0);
        }

        @Test
        void theLagGateFailsAServerThatIsNotAReplica() {
            CheckResult r = check(db.primary(), SqlCheckConfigs.maxLag(Duration.ofSeconds(10)), true);

            assertThat(r.status()).isEqualTo(CheckStatus.L7STS);
            assertThat(r.code()).hasValue(SqlCheck.CODE_NOT_A_REPLICA);
            assertThat(r.info()).isEqualTo("not a replica (no SHOW SLAVE STATUS row)");
        }
    }

    @Nested
    class OnTheBackup {
        private final CheckConfig maxLag10s = SqlCheckConfigs.maxLag(Duration.ofSeconds(10));

        @BeforeEach
        void replicationRuns() {
            awaitReplicaRunning();
        }

        @Test
        void aReplicatingBackupPasses() {
            CheckResult r = check(db.backup(), maxLag10s, true);

            assertThat(r.status()).isEqualTo(CheckStatus.L7OK);
            assertThat(r.info()).matches(".*; replication lag \\d+s");
        }

        @Test
        void aBackupWhoseReplicationStoppedFailsUntilItRunsAgain() {
            try {
                db.backup().execute("STOP SLAVE");
                CheckResult stopped = check(db.backup(), maxLag10s, true);

                assertThat(stopped.status()).isEqualTo(CheckStatus.L7STS);
                assertThat(stopped.code()).hasValue(SqlCheck.CODE_REPLICATION_NOT_RUNNING);
                assertThat(stopped.info())
                        .isEqualTo("replication not running (Seconds_Behind_Master NULL; IO thread No, SQL thread No)");
            } finally {
                db.backup().execute("START SLAVE");
            }
            await().atMost(Duration.ofSeconds(15))
                    .until(() -> check(db.backup(), maxLag10s, true).status() == CheckStatus.L7OK);
        }

        @Test
        void aBackupStaysEligibleWhenItsPrimaryDiesBecauseItAppliedEverything() {
            // Failover needs the backup exactly when its IO thread loses the primary and the lag turns NULL.
            db.primary().kill9();
            await().atMost(Duration.ofSeconds(20))
                    .until(() -> "Connecting".equals(slaveStatus(db.backup()).get("Slave_IO_Running")));
            CheckResult r = check(db.backup(), maxLag10s, true);
            assertThat(r.status()).isEqualTo(CheckStatus.L7OK);
            assertThat(r.info()).endsWith("source unreachable (IO thread Connecting), all received events applied");
            db.primary().restart();
        }

        @Test
        void aBackupLaggingMoreThanMaxLagFailsWithTheLagInItsInfo() {
            // A short limit keeps the test short; the lag is real: the backup applies events 30 s late.
            CheckConfig maxLag2s = SqlCheckConfigs.maxLag(Duration.ofSeconds(2));
            try {
                db.backup().execute("STOP SLAVE", "CHANGE MASTER TO MASTER_DELAY = 30", "START SLAVE");
                db.primary()
                        .execute(
                                "CREATE TABLE IF NOT EXISTS test.lag_marker (id INT PRIMARY KEY AUTO_INCREMENT)",
                                "INSERT INTO test.lag_marker VALUES (NULL)");
                await().atMost(Duration.ofSeconds(20)).until(() -> secondsBehindMaster(db.backup()) > 2);

                CheckResult r = check(db.backup(), maxLag2s, true);

                assertThat(r.status()).isEqualTo(CheckStatus.L7STS);
                assertThat(r.code()).isEmpty();
                Matcher m =
                        Pattern.compile("replication lag (\\d+)s > max-lag 2s").matcher(r.info());
                assertThat(m.matches()).as(r.info()).isTrue();
                assertThat(Long.parseLong(m.group(1))).isGreaterThan(2);
            } finally {
                db.backup().execute("STOP SLAVE", "CHANGE MASTER TO MASTER_DELAY = 0", "START SLAVE");
                db.awaitReplication();
            }
        }

        @Test
        void anAccountThatMayNotReadReplicaStatusGetsTheServersError() {
            CheckConfig noPrivilege = SqlCheckConfigs.sql(
                    "haproxy",
                    "",
                    SqlCheckConfigs.PASSING_TIMEOUT,
                    "SELECT 1",
                    false,
                    Optional.of(Duration.ofSeconds(10)));

            CheckResult r = check(db.backup(), noPrivilege, true);

            assertThat(r.status()).isEqualTo(CheckStatus.L7STS);
            assertThat(r.code()).hasValue(1227);
        }
    }

    @Nested
    class WhenTheServerIsUnreachable {
        @AfterEach
        void backToRunning() {
            db.ensureRunning();
        }

        @Test
        void aStoppedServerIsL4conAtOnce() {
            db.primary().stop();

            CheckResult r = check(db.primary(), SqlCheckConfigs.timeout(SHORT_TIMEOUT), false);

            assertThat(r.status()).isEqualTo(CheckStatus.L4CON);
            assertThat(r.info()).isEqualTo("Connection refused");
            assertThat(r.durationMillis()).isLessThan(SHORT_TIMEOUT.toMillis());
        }

        @Test
        void aFrozenServerTimesOutWithinTheTimeoutAndFreesTheCheckThread() {
            db.primary().freeze();
            long start = System.nanoTime();

            CheckResult r = check(db.primary(), SqlCheckConfigs.timeout(SHORT_TIMEOUT), false);

            long seen = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertThat(r.status()).isIn(CheckStatus.L7TOUT, CheckStatus.L4TOUT);
            assertThat(r.durationMillis()).isBetween(SHORT_TIMEOUT.toMillis() - 100, MAX_TIMEOUT_MILLIS);
            assertThat(seen).isLessThan(MAX_TIMEOUT_MILLIS);
            // Still frozen: the thread must not wait for the server to come back.
            await().atMost(Duration.ofSeconds(2)).until(() -> executor.busyThreads() == 0);
        }

        @Test
        void aSaturatedExecutorFailsTheNextCheckAtOnce() throws Exception {
            try (SqlCheckExecutor tiny = new SqlCheckExecutor(1, 0)) {
                db.primary().freeze();
                CheckConfig cfg = SqlCheckConfigs.timeout(SHORT_TIMEOUT);
                CompletableFuture<CheckResult> hanging =
                        sqlCheck(tiny, db.primary(), cfg, false).run().toCompletableFuture();

                CompletableFuture<CheckResult> refused =
                        sqlCheck(tiny, db.primary(), cfg, false).run().toCompletableFuture();

                assertThat(refused).isDone();
                assertThat(refused.join().status()).isEqualTo(CheckStatus.SOCKERR);
                assertThat(refused.join().info()).isEqualTo("check executor saturated");
                assertThat(hanging.get(5, TimeUnit.SECONDS).status()).isEqualTo(CheckStatus.L7TOUT);
            }
        }

        @Test
        void aCheckThatWaitedInTheQueueStillAnswersWithinItsTimeout() throws Exception {
            try (SqlCheckExecutor tiny = new SqlCheckExecutor(1, 1)) {
                db.primary().freeze();
                CheckConfig cfg = SqlCheckConfigs.timeout(SHORT_TIMEOUT);
                CompletableFuture<CheckResult> first =
                        sqlCheck(tiny, db.primary(), cfg, false).run().toCompletableFuture();
                long start = System.nanoTime();

                CompletableFuture<CheckResult> queued =
                        sqlCheck(tiny, db.primary(), cfg, false).run().toCompletableFuture();

                // Its budget was spent waiting for the thread the first check holds.
                CheckResult r = queued.get(5, TimeUnit.SECONDS);
                assertThat(r.status()).isEqualTo(CheckStatus.L7TOUT);
                assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start))
                        .isLessThan(MAX_TIMEOUT_MILLIS);
                assertThat(first.get(5, TimeUnit.SECONDS).status()).isEqualTo(CheckStatus.L7TOUT);
            }
        }
    }

    private static final String CANCEL_TIMER_THREAD = "MySQL Statement Cancellation Timer";

    private static long liveThreadsNamed(String name) {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && t.getName().equals(name))
                .count();
    }

    private static CheckResult check(MariaDbServer server, CheckConfig cfg, boolean backupRole) {
        try {
            return sqlCheck(executor, server, cfg, backupRole)
                    .run()
                    .toCompletableFuture()
                    .get(cfg.timeout().toMillis() + 5_000, TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            throw new AssertionError("the check's stage did not complete normally in time", e);
        }
    }

    private static SqlCheck sqlCheck(SqlCheckExecutor exec, MariaDbServer server, CheckConfig cfg, boolean backup) {
        return new SqlCheck(exec, new InetSocketAddress(server.host(), server.port()), cfg, backup);
    }

    private static long abortedClients(MariaDbServer server) {
        return Long.parseLong(String.valueOf(server.queryForRows("SHOW GLOBAL STATUS LIKE 'Aborted_clients'")
                .get(0)
                .get("Value")));
    }

    /** -1 while the server reports NULL. */
    private static long secondsBehindMaster(MariaDbServer replica) {
        Object lag = slaveStatus(replica).get("Seconds_Behind_Master");
        return lag == null ? -1 : Long.parseLong(lag.toString());
    }

    private static Map<String, Object> slaveStatus(MariaDbServer replica) {
        List<Map<String, Object>> rows = replica.queryForRows("SHOW SLAVE STATUS");
        assertThat(rows).as("SHOW SLAVE STATUS on " + replica).hasSize(1);
        return rows.get(0);
    }

    /** Both replication threads connected and running, e.g. after a test restarted the primary. */
    private static void awaitReplicaRunning() {
        await().atMost(Duration.ofSeconds(20)).until(() -> {
            Map<String, Object> s = slaveStatus(db.backup());
            return "Yes".equals(s.get("Slave_IO_Running"))
                    && "Yes".equals(s.get("Slave_SQL_Running"))
                    && s.get("Seconds_Behind_Master") != null;
        });
        db.awaitReplication();
    }
}
