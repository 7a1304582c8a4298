package io.understudy.checks.fence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.understudy.core.Commands;
import io.understudy.core.ProxyEngine;
import io.understudy.core.TestConfigs;
import io.understudy.core.config.FailoverPolicy;
import io.understudy.core.model.Backend;
import io.understudy.core.model.ControlCommand;
import io.understudy.core.model.Origin;
import io.understudy.core.model.PairRole;
import io.understudy.core.model.Server;
import io.understudy.testkit.MariaDbExtension;
import io.understudy.testkit.MariaDbServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Two proxies that both decide (a partition left both holding the virtual IP, both still reach both databases),
 * each with its own model and fence against the same two real MariaDB servers: the writer lock keeps their writes on
 * one server when the primary dies, when an operator moves traffic on one side only, and when a proxy dies.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class WriterFenceTest {
    @RegisterExtension
    static final MariaDbExtension db = MariaDbExtension.primaryBackup();

    private final List<AutoCloseable> open = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
        db.cluster().ensureRunning();
    }

    /** One proxy: a model (no checker: the test reports health) and its fence. */
    record Proxy(ProxyEngine engine, WriterFence fence) {
        Backend backend() {
            return engine.backends().get(0);
        }

        Server server(String name) {
            return backend().server(name).orElseThrow();
        }

        Optional<String> writer() {
            return backend().snapshot().first().map(Server::name);
        }

        FenceView view() {
            return fence.views().get(0);
        }
    }

    private Proxy proxy(FailoverPolicy.Failback failback) {
        return proxy(failback, db.primary().port());
    }

    private Proxy proxy(FailoverPolicy.Failback failback, int primaryPort) {
        var config = TestConfigs.listen("MySQL")
                .checked()
                .failover(new FailoverPolicy(failback, true, true))
                .server("Primary", primaryPort)
                .backup("Secondary", db.cluster().backup().port())
                .build();
        ProxyEngine e = new ProxyEngine(config);
        open.add(e);
        Commands.submit(e.control(), new ControlCommand.SetPairRole(PairRole.MASTER, Origin.CLI));
        WriterFence f = new WriterFence(e.control());
        open.add(f);
        f.start();
        return new Proxy(e, f);
    }

    /** lbA holding the lock on Primary, then lbB, which finds it held and adopts it. */
    private Proxy[] lockedPair() {
        Proxy a = proxy(FailoverPolicy.Failback.MANUAL);
        await().atMost(Duration.ofSeconds(5)).until(() -> a.view().state().equals("holding"));
        Proxy b = proxy(FailoverPolicy.Failback.MANUAL);
        await().atMost(Duration.ofSeconds(5)).until(() -> b.view().state().equals("adopted"));
        return new Proxy[] {a, b};
    }

    private static String holderOn(MariaDbServer s) {
        return s.queryForString("SELECT IFNULL(IS_USED_LOCK('understudy:MySQL:active'), 'free')");
    }

    @Test
    void oneHoldsTheLockAndTheOtherAdoptsItsServer() {
        Proxy[] pair = lockedPair();
        Proxy a = pair[0];
        Proxy b = pair[1];
        assertThat(a.view().server()).contains("Primary");
        assertThat(b.view().server()).contains("Primary");
        assertThat(b.view().holder()).isEqualTo(a.view().holder());
        assertThat(holderOn(db.primary()))
                .isEqualTo(String.valueOf(a.view().holder().orElseThrow()));
        assertThat(holderOn(db.cluster().backup())).isEqualTo("free");
    }

    @Test
    void anOperatorsMoveOnOneSideIsFollowedByTheOther() {
        Proxy[] pair = lockedPair();
        Proxy a = pair[0];
        Proxy b = pair[1];

        // The lock holder moves the writer: the other side follows the lock, through the database alone.
        Commands.move(a.engine().control(), a.backend(), Optional.of(a.server("Secondary")));
        long t0 = System.nanoTime();
        await().atMost(Duration.ofSeconds(2)).pollInterval(Duration.ofMillis(5)).until(() -> b.writer()
                .equals(Optional.of("Secondary")));
        long followedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        System.out.println("WriterFenceTest: the other side followed the holder's move after " + followedMs + " ms");
        assertThat(a.writer()).contains("Secondary");
        await().atMost(Duration.ofSeconds(2)).until(() -> holderOn(db.primary()).equals("free"));

        // The side that does not hold the lock tries to move: the lock holder's choice wins, and it moves back.
        Commands.move(b.engine().control(), b.backend(), Optional.of(b.server("Primary")));
        await().atMost(Duration.ofSeconds(2)).pollInterval(Duration.ofMillis(5)).until(() -> b.writer()
                .equals(Optional.of("Secondary")));
        assertThat(a.writer()).contains("Secondary");
        assertThat(b.engine().control().lastEvents(10))
                .anyMatch(e -> e.origin() == Origin.FENCE && e.line().contains("writer lock"));
    }

    @Test
    void whenThePrimaryDiesBothEndOnTheSameServer() {
        Proxy[] pair = lockedPair();
        Proxy a = pair[0];
        Proxy b = pair[1];
        db.primary().kill9();
        // Each side's checks see it down; the order does not matter.
        Commands.down(b.engine().control(), b.server("Primary"));
        Commands.down(a.engine().control(), a.server("Primary"));
        // Whichever takes the lock on Secondary first holds it; the other adopts it.
        await().atMost(Duration.ofSeconds(5))
                .until(() -> a.view().server().equals(Optional.of("Secondary"))
                        && b.view().server().equals(Optional.of("Secondary"))
                        && (a.view().state().equals("holding")
                                != b.view().state().equals("holding")));
        assertThat(a.writer()).contains("Secondary");
        assertThat(b.writer()).contains("Secondary");
        Proxy holder = a.view().state().equals("holding") ? a : b;
        assertThat(holderOn(db.cluster().backup()))
                .isEqualTo(String.valueOf(holder.view().holder().orElseThrow()));
    }

    @Test
    void aDeadHoldersLockIsFreedAndTheSurvivorTakesIt() throws Exception {
        Proxy[] pair = lockedPair();
        Proxy a = pair[0];
        Proxy b = pair[1];
        a.fence().close();
        // After the grace (2 s here): lbA's lock vanished from a server in sight, so lbB waits for it to reappear.
        await().atMost(Duration.ofSeconds(10)).until(() -> b.view().state().equals("holding"));
        assertThat(b.view().server()).contains("Primary");
        // A follower holds nothing.
        Commands.submit(b.engine().control(), new ControlCommand.SetPairRole(PairRole.BACKUP, Origin.CLI));
        await().atMost(Duration.ofSeconds(5)).until(() -> holderOn(db.primary()).equals("free"));
        assertThat(b.view().state()).isEqualTo("following");
    }

    @Test
    void twoLocksOnTwoServersResolveToTheFirstServersHolder() throws Exception {
        Proxy a = proxy(FailoverPolicy.Failback.MANUAL);
        await().atMost(Duration.ofSeconds(5)).until(() -> a.view().state().equals("holding"));
        // Someone else (a decider that took its lock at the same time) holds the lock on Secondary too.
        try (java.sql.Connection other = db.cluster().backup().connect("root", null);
                java.sql.Statement st = other.createStatement()) {
            st.executeQuery("SELECT GET_LOCK('understudy:MySQL:active', 0)").close();
            Proxy b = proxy(FailoverPolicy.Failback.MANUAL);
            Commands.move(b.engine().control(), b.backend(), Optional.of(b.server("Secondary")));
            // Both see the same winner, the lock on the first server (Primary, held by lbA): nobody swaps.
            await().atMost(Duration.ofSeconds(5)).until(() -> b.writer().equals(Optional.of("Primary")));
            // And it stays so over several fence rounds: nothing flaps.
            await().during(WriterFence.INTERVAL.multipliedBy(6))
                    .atMost(Duration.ofSeconds(3))
                    .until(() -> a.writer().equals(Optional.of("Primary"))
                            && b.writer().equals(Optional.of("Primary"))
                            && a.view().state().equals("holding"));
        }
    }

    @Test
    void aSilentCutLeavesTheHoldersLockForAtMostTheWaitTimeout() throws Exception {
        // lbA reaches Primary through a cable that can go silent (no FIN, no RST: packets lost).
        Cable cable = new Cable(db.primary().port());
        open.add(cable);
        Proxy a = proxy(FailoverPolicy.Failback.MANUAL, cable.port());
        await().atMost(Duration.ofSeconds(5)).until(() -> a.view().state().equals("holding"));
        Proxy b = proxy(FailoverPolicy.Failback.MANUAL);
        await().atMost(Duration.ofSeconds(5)).until(() -> b.view().state().equals("adopted"));
        cable.cut();
        // lbA's checks see Primary gone (the test plays them): it fails over and takes the lock on Secondary.
        Commands.down(a.engine().control(), a.server("Primary"));
        await().atMost(Duration.ofSeconds(5))
                .until(() ->
                        a.view().state().equals("holding") && a.view().server().equals(Optional.of("Secondary")));
        long t0 = System.nanoTime();
        // Primary still has lbA's old session and its lock until wait_timeout; lbB follows it there until then.
        await().atMost(Duration.ofSeconds(LockSession.WAIT_TIMEOUT_SECONDS + 5))
                .pollInterval(Duration.ofMillis(20))
                .until(() -> b.writer().equals(Optional.of("Secondary")));
        long twoWriters = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        System.out.println("WriterFenceTest: silent cut, two writers for " + twoWriters + " ms (wait_timeout "
                + LockSession.WAIT_TIMEOUT_SECONDS + " s)");
        assertThat(twoWriters).isLessThanOrEqualTo(TimeUnit.SECONDS.toMillis(LockSession.WAIT_TIMEOUT_SECONDS) + 1500);
    }
}
