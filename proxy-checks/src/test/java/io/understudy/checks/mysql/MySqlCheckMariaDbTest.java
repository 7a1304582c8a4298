package io.understudy.checks.mysql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.understudy.checks.Check;
import io.understudy.checks.CheckResult;
import io.understudy.checks.CheckStatus;
import io.understudy.checks.fake.CheckLoops;
import io.understudy.checks.tcp.TcpCheck;
import io.understudy.core.config.CheckConfig.MySqlVariant;
import io.understudy.testkit.LeakDetectionExtension;
import io.understudy.testkit.MariaDbExtension;
import io.understudy.testkit.MariaDbServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The mysql check against a real MariaDB with {@code max_connect_errors=3}: logins with and without password, refused
 * logins, and 10,000 checks that leave {@code Aborted_connects} where it was, against a TCP check that raises it and
 * gets the host blocked.
 *
 * <p>Name resolution is on ({@code skip_name_resolve=OFF}) because only then does MariaDB keep per-host connection
 * errors and block hosts; and checks that must be counted come from 127.0.0.3 or 127.0.0.4, because MariaDB never
 * counts errors against 127.0.0.1.
 */
@ExtendWith(LeakDetectionExtension.class)
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class MySqlCheckMariaDbTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(2);
    private static final int CHECKS = 10_000;
    private static final int LANES = 4;

    @RegisterExtension
    static final MariaDbExtension db =
            MariaDbExtension.single(b -> b.option("max_connect_errors", 3).option("skip_name_resolve", "OFF"));

    private static final CheckLoops loops = new CheckLoops();

    @AfterAll
    static void closeLoops() {
        loops.close();
    }

    @Test
    void haproxyWithoutPasswordIsL7okWithTheServerVersion() {
        CheckResult r = CheckLoops.runAndWait(mysql("haproxy", ""));

        assertResult(r, CheckStatus.L7OK, OptionalInt.of(0), server().queryForString("SELECT VERSION()"));
        assertThat(r.info()).contains("MariaDB").doesNotStartWith("5.5.5-");
    }

    @Test
    void checkpwWithItsNativePasswordIsL7ok() {
        CheckResult r = CheckLoops.runAndWait(mysql("checkpw", "s3cret"));

        assertResult(r, CheckStatus.L7OK, OptionalInt.of(0), server().queryForString("SELECT VERSION()"));
    }

    @Test
    void aWrongPasswordIsL7sts1045() {
        CheckResult r = CheckLoops.runAndWait(mysql("checkpw", "wrong"));

        assertResult(
                r,
                CheckStatus.L7STS,
                OptionalInt.of(1045),
                "#28000Access denied for user 'checkpw'@'localhost' (using password: YES)");
    }

    @Test
    void anUnknownUserIsL7sts1045() {
        CheckResult r = CheckLoops.runAndWait(mysql("nobody", ""));

        assertResult(
                r,
                CheckStatus.L7STS,
                OptionalInt.of(1045),
                "#28000Access denied for user 'nobody'@'localhost' (using password: NO)");
    }

    @Test
    void pre41LogsInToMariaDb() {
        CheckResult r = CheckLoops.runAndWait(new MySqlCheck(
                loops.group(), loops.transport(), address(), "haproxy", "", MySqlVariant.PRE_41, TIMEOUT));

        assertResult(r, CheckStatus.L7OK, OptionalInt.of(0), server().queryForString("SELECT VERSION()"));
    }

    @Test
    void tenThousandChecksAreNoAbortedConnectsAndNeverBlockTheHost() throws Exception {
        Check check = mysql("haproxy", "").withSource(InetAddress.getByName("127.0.0.3"));
        assertThat(CheckLoops.runAndWait(check).status()).isEqualTo(CheckStatus.L7OK);
        long abortedBefore = status("Aborted_connects");
        long connectionsBefore = status("Connections");

        long started = System.nanoTime();
        Map<String, AtomicInteger> outcomes = runMany(check, CHECKS, LANES);
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);

        long abortedAfter = status("Aborted_connects");
        long connectionsAfter = status("Connections");
        System.out.printf(
                "%d mysql checks from 127.0.0.3 in %d ms (%d in parallel): Aborted_connects %d -> %d, "
                        + "Connections %d -> %d, outcomes %s%n",
                CHECKS, millis, LANES, abortedBefore, abortedAfter, connectionsBefore, connectionsAfter, outcomes);
        assertThat(outcomes).containsOnlyKeys("L7OK");
        assertThat(outcomes.get("L7OK").get()).isEqualTo(CHECKS);
        assertThat(connectionsAfter - connectionsBefore)
                .as("every check was a real login")
                .isGreaterThanOrEqualTo(CHECKS);
        assertThat(abortedAfter).as("Aborted_connects").isEqualTo(abortedBefore);
        assertResult(
                CheckLoops.runAndWait(check),
                CheckStatus.L7OK,
                OptionalInt.of(0),
                server().queryForString("SELECT VERSION()"));
    }

    /** Why mysql is the default check type: a bare TCP check is an aborted connection, and three get a host blocked. */
    @Test
    void tcpChecksAreAbortedConnectsAndGetTheHostBlocked() throws Exception {
        InetAddress source = InetAddress.getByName("127.0.0.4");
        TcpCheck tcp = new TcpCheck(loops.group(), loops.transport(), address(), TIMEOUT).withSource(source);
        MySqlCheck mysqlFromSameHost = mysql("haproxy", "").withSource(source);
        try {
            long before = status("Aborted_connects");
            for (int i = 0; i < 5; i++) {
                assertThat(CheckLoops.runAndWait(tcp).status()).isEqualTo(CheckStatus.L4OK);
            }
            // The server counts a connection once it gives up on it, after the check has closed.
            await().atMost(Duration.ofSeconds(20)).until(() -> status("Aborted_connects") >= before + 5);
            long after = status("Aborted_connects");
            CheckResult blocked = CheckLoops.runAndWait(mysqlFromSameHost);
            System.out.printf(
                    "5 tcp checks from 127.0.0.4: Aborted_connects %d -> %d; then a mysql check from there: %s%n",
                    before, after, blocked.describe());

            assertThat(after - before).isEqualTo(5);
            assertResult(
                    blocked,
                    CheckStatus.L7STS,
                    OptionalInt.of(1129),
                    "Host '127.0.0.4' is blocked because of many connection errors; unblock with "
                            + "'mariadb-admin flush-hosts'");
            assertThat(CheckLoops.runAndWait(mysql("haproxy", "").withSource(InetAddress.getByName("127.0.0.3")))
                            .status())
                    .as("other hosts are not blocked")
                    .isEqualTo(CheckStatus.L7OK);
        } finally {
            server().execute("FLUSH HOSTS");
        }
    }

    /** Runs {@code total} checks in {@code lanes} back-to-back sequences; counts the results by status. */
    private static Map<String, AtomicInteger> runMany(Check check, int total, int lanes) {
        Map<String, AtomicInteger> outcomes = new ConcurrentHashMap<>();
        AtomicInteger remaining = new AtomicInteger(total);
        List<CompletableFuture<Void>> all = new ArrayList<>();
        for (int i = 0; i < lanes; i++) {
            CompletableFuture<Void> lane = new CompletableFuture<>();
            next(check, remaining, outcomes, lane);
            all.add(lane);
        }
        CompletableFuture.allOf(all.toArray(CompletableFuture[]::new))
                .orTimeout(120, TimeUnit.SECONDS)
                .join();
        return outcomes;
    }

    private static void next(
            Check check, AtomicInteger remaining, Map<String, AtomicInteger> outcomes, CompletableFuture<Void> lane) {
        if (remaining.getAndDecrement() <= 0) {
            lane.complete(null);
            return;
        }
        check.run().whenComplete((r, e) -> {
            String key = e != null ? "exception " + e : r.status().name();
            outcomes.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
            if (e == null && !r.passed()) {
                outcomes.computeIfAbsent(r.describe(), k -> new AtomicInteger()).incrementAndGet();
            }
            next(check, remaining, outcomes, lane);
        });
    }

    private static MySqlCheck mysql(String user, String password) {
        return new MySqlCheck(
                loops.group(), loops.transport(), address(), user, password, MySqlVariant.POST_41, TIMEOUT);
    }

    private static MariaDbServer server() {
        return db.server();
    }

    private static InetSocketAddress address() {
        try {
            return new InetSocketAddress(InetAddress.getByName(server().host()), server().port());
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    private static long status(String variable) {
        return Long.parseLong(String.valueOf(server().queryForRows("SHOW GLOBAL STATUS LIKE '" + variable + "'")
                .get(0)
                .get("Value")));
    }

    private static void assertResult(CheckResult r, CheckStatus status, OptionalInt code, String info) {
        MySqlCheckFakeServerTest.assertResult(r, status, code, info);
    }
}
