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
        noLockLeft();
    }

    /**
     * A session cut off by a test's cable stays on its server, with its locks, until wait_timeout: no test may meet
     * another's. Every session of the check user is ended, and both servers are seen free of both locks.
     */
    @org.junit.jupiter.api.BeforeEach
    void noLockLeft() {
        for (MariaDbServer s : List.of(db.primary(), db.cluster().backup())) {
            for (var row : s.queryForRows("SELECT ID FROM information_schema.PROCESSLIST WHERE USER = 'haproxy'")) {
                try {
                    s.execute("KILL " + row.get("ID"));
                } catch (RuntimeException gone) {
                    // it ended by itself meanwhile
                }
            }
        }
        for (MariaDbServer s : List.of(db.primary(), db.cluster().backup())) {
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> holderOn(s).equals("free") && claimOn(s).equals("free"));
        }
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
        return proxy(failback, primaryPort, FencedSessions.NONE);
    }

    private Proxy proxy(FailoverPolicy.Failback failback, int primaryPort, FencedSessions sessions) {
        var config = TestConfigs.listen("MySQL")
                .checked()
                .failover(new FailoverPolicy(failback, true, true))
                .server("Primary", primaryPort)
                .backup("Secondary", db.cluster().backup().port())
                .build();
        ProxyEngine e = new ProxyEngine(config);
        open.add(e);
        Commands.submit(e.control(), new ControlCommand.SetPairRole(PairRole.MASTER, Origin.CLI));
        WriterFence f = new WriterFence(e.control(), sessions);
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

    private static String claimOn(MariaDbServer s) {
        return s.queryForString("SELECT IFNULL(IS_USED_LOCK('understudy:MySQL:claim'), 'free')");
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
        long t0 = System.nanoTime();
        // lbB saw lbA's claims while it followed lbA's lock: it waits out the claim grace (lbA may only be
        // reconnecting), new sessions held, before it takes the lock itself.
        Duration grace = BackendFence.claimGrace(b.backend(), WriterFence.QUERY_TIMEOUT);
        await().atMost(grace.plusSeconds(5)).until(() -> b.view().state().equals("holding"));
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0))
                .isGreaterThanOrEqualTo(grace.toMillis() - WriterFence.INTERVAL.toMillis() * 3);
        assertThat(b.view().server()).contains("Primary");
        // A follower holds nothing.
        Commands.submit(b.engine().control(), new ControlCommand.SetPairRole(PairRole.BACKUP, Origin.CLI));
        await().atMost(Duration.ofSeconds(5)).until(() -> holderOn(db.primary()).equals("free"));
        assertThat(b.view().state()).isEqualTo("following");
    }

    @Test
    void aSecondWriterLockBlocksTheOtherSideWhileTheHolderKeepsItsOwn() throws Exception {
        Proxy a = proxy(FailoverPolicy.Failback.MANUAL);
        await().atMost(Duration.ofSeconds(5)).until(() -> a.view().state().equals("holding"));
        assertThat(claimOn(db.primary())).isNotEqualTo("free");
        assertThat(claimOn(db.cluster().backup())).isNotEqualTo("free");
        // Someone else holds the writer lock on Secondary too (a session that outlives its proxy, a stranger).
        java.sql.Connection other = db.cluster().backup().connect("root", null);
        open.add(other);
        try (java.sql.Statement st = other.createStatement()) {
            st.executeQuery("SELECT GET_LOCK('understudy:MySQL:active', 0)").close();
        }
        List<String> closed = new java.util.concurrent.CopyOnWriteArrayList<>();
        Proxy b = proxy(FailoverPolicy.Failback.MANUAL, db.primary().port(), (server, why) -> {
            closed.add(server.name());
            return 0;
        });
        // lbB cannot tell which of the two is the writer: it writes nowhere and ends its sessions on both.
        await().atMost(Duration.ofSeconds(5)).until(() -> b.view().state().equals("blocked"));
        assertThat(b.backend().snapshot().held()).isTrue();
        // From its second blocked round (one look may straddle a holder's move).
        await().atMost(Duration.ofSeconds(2)).until(() -> closed.containsAll(List.of("Primary", "Secondary")));
        // lbA claims Secondary: the stranger's lock there lost the race for the claim and is not followed. Nothing
        // flaps.
        await().during(WriterFence.INTERVAL.multipliedBy(6))
                .atMost(Duration.ofSeconds(3))
                .until(() -> a.writer().equals(Optional.of("Primary"))
                        && a.view().state().equals("holding")
                        && b.view().state().equals("blocked"));
        // The stranger goes: lbB follows lbA's lock.
        other.close();
        await().atMost(Duration.ofSeconds(5)).until(() -> b.view().state().equals("adopted"));
        assertThat(b.writer()).contains("Primary");
    }

    @Test
    void aProxyCutOffTheHoldersWriterWritesNowhereElse() throws Exception {
        Proxy a = proxy(FailoverPolicy.Failback.MANUAL);
        await().atMost(Duration.ofSeconds(5)).until(() -> a.view().state().equals("holding"));
        // lbB cannot reach Primary at all (nothing listens where it looks for it); lbA still can.
        int nowhere;
        try (java.net.ServerSocket probe = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            nowhere = probe.getLocalPort();
        }
        List<String> closed = new java.util.concurrent.CopyOnWriteArrayList<>();
        Proxy b = proxy(FailoverPolicy.Failback.MANUAL, nowhere, (server, why) -> {
            closed.add(server.name());
            return 0;
        });
        // Its checks mark Primary down, so on its own it would fail over to Secondary: lbA's claim there forbids it.
        Commands.down(b.engine().control(), b.server("Primary"));
        assertThat(b.writer()).contains("Secondary");
        await().atMost(Duration.ofSeconds(5)).until(() -> b.view().state().equals("blocked"));
        assertThat(b.view().detail()).contains("claims MySQL/Secondary");
        await().atMost(Duration.ofSeconds(2)).until(() -> closed.contains("Secondary"));
        await().during(Duration.ofSeconds(1))
                .atMost(Duration.ofSeconds(3))
                .until(() -> holderOn(db.cluster().backup()).equals("free")
                        && b.backend().snapshot().held()
                        && b.view().state().equals("blocked")
                        && a.view().state().equals("holding"));
        assertThat(claimOn(db.cluster().backup())).isNotEqualTo("free");
        // lbA goes away (its locks with it): lbB is the only decider left and takes Secondary, once lbA had time to
        // claim it again had it only lost its session there for a moment. Until then it writes nowhere.
        Duration grace = BackendFence.claimGrace(b.backend(), WriterFence.QUERY_TIMEOUT);
        a.fence().close();
        long t0 = System.nanoTime();
        await().atMost(grace.plusSeconds(5)).until(() -> b.view().state().equals("holding"));
        long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        System.out.println("WriterFenceTest: the blocked side took the writer lock " + tookMs + " ms after the holder "
                + "left (claim grace " + grace.toMillis() + " ms)");
        assertThat(tookMs).isGreaterThanOrEqualTo(grace.toMillis() - WriterFence.INTERVAL.toMillis() * 3);
        assertThat(b.view().server()).contains("Secondary");
        assertThat(b.backend().snapshot().held()).isFalse();
    }

    @Test
    void theHoldersOwnReconnectAfterASilentBlipIsNotAnotherProxy() throws Exception {
        Cable cable = new Cable(db.primary().port());
        open.add(cable);
        List<String> closedByA = new java.util.concurrent.CopyOnWriteArrayList<>();
        Proxy a = proxy(FailoverPolicy.Failback.MANUAL, cable.port(), (server, why) -> {
            closedByA.add(server.name());
            return 0;
        });
        await().atMost(Duration.ofSeconds(5)).until(() -> a.view().state().equals("holding"));
        Proxy b = proxy(FailoverPolicy.Failback.MANUAL);
        await().atMost(Duration.ofSeconds(5)).until(() -> b.view().state().equals("adopted"));
        // lbA's path to Primary goes silent until lbA gives its session up (a query's bound), then heals within
        // wait_timeout: Primary still has lbA's old session, holding both locks.
        cable.cut();
        await().atMost(Duration.ofSeconds(5)).until(() -> a.view().state().equals("waiting"));
        cable.heal();
        // lbA recognises both locks as its own old session's, ends it and goes on holding; lbB keeps following it.
        await().during(Duration.ofSeconds(5))
                .atMost(Duration.ofSeconds(8))
                .pollInterval(Duration.ofMillis(5))
                .until(() -> !a.view().state().equals("blocked")
                        && !b.view().state().equals("holding")
                        && !b.view().state().equals("blocked")
                        && a.writer().equals(Optional.of("Primary"))
                        && b.writer().equals(Optional.of("Primary")));
        assertThat(closedByA).isEmpty();
        await().atMost(Duration.ofSeconds(5)).until(() -> a.view().state().equals("holding"));
    }

    @Test
    void aBlockedProxyDoesNotTakeOverWhenTheHoldersClaimDropsForAMoment() throws Exception {
        Proxy a = proxy(FailoverPolicy.Failback.MANUAL);
        await().atMost(Duration.ofSeconds(5)).until(() -> a.view().state().equals("holding"));
        Proxy b = proxy(FailoverPolicy.Failback.MANUAL, nowhere());
        Commands.down(b.engine().control(), b.server("Primary"));
        await().atMost(Duration.ofSeconds(5)).until(() -> b.view().state().equals("blocked"));
        // lbA's lock session on Secondary ends (a reset, a restart): its claim there is gone until it reconnects.
        String claimer = claimOn(db.cluster().backup());
        db.cluster().backup().execute("KILL " + claimer);
        // lbB, which cannot see lbA's writer lock on Primary, must not take Secondary meanwhile: new sessions stay held
        // and it takes no lock, until lbA claims Secondary again.
        await().during(Duration.ofSeconds(3))
                .atMost(Duration.ofSeconds(6))
                .pollInterval(Duration.ofMillis(5))
                .until(() -> b.backend().snapshot().held()
                        && !b.view().state().equals("holding")
                        && a.view().state().equals("holding")
                        && a.writer().equals(Optional.of("Primary")));
        await().atMost(Duration.ofSeconds(10))
                .until(() -> !claimOn(db.cluster().backup()).equals("free")
                        && !claimOn(db.cluster().backup()).equals(claimer));
        assertThat(holderOn(db.cluster().backup())).isEqualTo("free");
        await().atMost(Duration.ofSeconds(5)).until(() -> b.view().state().equals("blocked"));
    }

    @Test
    void aBlockedProxysHoldDoesNotLapseWhileItsRoundsAreSlow() throws Exception {
        Proxy a = proxy(FailoverPolicy.Failback.MANUAL);
        await().atMost(Duration.ofSeconds(5)).until(() -> a.view().state().equals("holding"));
        // lbB's path to Primary is a black hole: each connect attempt of its fence takes the full 0.5 s bound.
        Cable hole = new Cable(db.primary().port());
        open.add(hole);
        hole.blackhole(true);
        Proxy b = proxy(FailoverPolicy.Failback.MANUAL, hole.port());
        Commands.down(b.engine().control(), b.server("Primary"));
        await().atMost(Duration.ofSeconds(10)).until(() -> b.view().state().equals("blocked"));
        await().during(Duration.ofSeconds(12))
                .atMost(Duration.ofSeconds(20))
                .pollInterval(Duration.ofMillis(2))
                .until(() -> b.backend().snapshot().held());
    }

    /** Whether both proxies route new sessions, each to another server (a held proxy routes nowhere). */
    private static boolean split(Proxy a, Proxy b) {
        Optional<String> wa = a.backend().snapshot().held() ? Optional.empty() : a.writer();
        Optional<String> wb = b.backend().snapshot().held() ? Optional.empty() : b.writer();
        return wa.isPresent() && wb.isPresent() && !wa.equals(wb);
    }

    private Proxy proxy(FailoverPolicy.Failback failback, int primaryPort, int backupPort) {
        var config = TestConfigs.listen("MySQL")
                .checked()
                .failover(new FailoverPolicy(failback, true, true))
                .server("Primary", primaryPort)
                .backup("Secondary", backupPort)
                .build();
        ProxyEngine e = new ProxyEngine(config);
        open.add(e);
        Commands.submit(e.control(), new ControlCommand.SetPairRole(PairRole.MASTER, Origin.CLI));
        WriterFence f = new WriterFence(e.control(), FencedSessions.NONE);
        open.add(f);
        f.start();
        return new Proxy(e, f);
    }

    @Test
    void theClaimGraceCountsAgainWhenTheClaimedServerComesBack() throws Exception {
        Cable toSecondaryA = new Cable(db.cluster().backup().port());
        Cable toSecondaryB = new Cable(db.cluster().backup().port());
        open.add(toSecondaryA);
        open.add(toSecondaryB);
        Proxy a = proxy(FailoverPolicy.Failback.MANUAL, db.primary().port(), toSecondaryA.port());
        await().atMost(Duration.ofSeconds(5)).until(() -> a.view().state().equals("holding"));
        Proxy b = proxy(FailoverPolicy.Failback.MANUAL, nowhere(), toSecondaryB.port());
        Commands.down(b.engine().control(), b.server("Primary"));
        await().atMost(Duration.ofSeconds(5)).until(() -> b.view().state().equals("blocked"));
        // Secondary restarts, as both proxies see it, for longer than lbA's first reconnect attempts.
        toSecondaryB.down();
        toSecondaryA.down();
        Thread.sleep(5_000); // the outage's length, part of the scenario
        toSecondaryB.up();
        toSecondaryA.up();
        // lbB sees Secondary free again before lbA has claimed it back: it must wait, not take it.
        await().during(Duration.ofSeconds(8))
                .atMost(Duration.ofSeconds(12))
                .pollInterval(Duration.ofMillis(5))
                .until(() -> !split(a, b) && !b.view().state().equals("holding"));
        assertThat(a.view().state()).isEqualTo("holding");
    }

    @Test
    void withAutoFailbackThePinIsNotUndoneWhileTheHolderIsOnlyReconnecting() throws Exception {
        Cable toSecondaryA = new Cable(db.cluster().backup().port());
        open.add(toSecondaryA);
        Proxy a = proxy(FailoverPolicy.Failback.MANUAL, db.primary().port(), toSecondaryA.port());
        await().atMost(Duration.ofSeconds(5)).until(() -> a.view().state().equals("holding"));
        Proxy b = proxy(
                FailoverPolicy.Failback.AUTO,
                db.primary().port(),
                db.cluster().backup().port());
        await().atMost(Duration.ofSeconds(5)).until(() -> b.view().state().equals("adopted"));
        Commands.move(a.engine().control(), a.backend(), Optional.of(a.server("Secondary")));
        await().atMost(Duration.ofSeconds(5))
                .until(() -> b.writer().equals(Optional.of("Secondary"))
                        && a.view().state().equals("holding")
                        && b.view().state().equals("adopted"));
        // lbA's lock session to Secondary is reset once (a KILL, a middlebox's RST); its clients keep writing there.
        toSecondaryA.down();
        toSecondaryA.up();
        await().during(Duration.ofSeconds(4))
                .atMost(Duration.ofSeconds(8))
                .pollInterval(Duration.ofMillis(5))
                .until(() -> !split(a, b));
    }

    @Test
    void aHolderThatCannotReachItsWritersLockKeepsItsClaims() throws Exception {
        Cable toPrimaryA = new Cable(db.primary().port());
        open.add(toPrimaryA);
        Proxy a = proxy(
                FailoverPolicy.Failback.MANUAL,
                toPrimaryA.port(),
                db.cluster().backup().port());
        await().atMost(Duration.ofSeconds(5)).until(() -> a.view().state().equals("holding"));
        Proxy b = proxy(
                FailoverPolicy.Failback.MANUAL, nowhere(), db.cluster().backup().port());
        Commands.down(b.engine().control(), b.server("Primary"));
        await().atMost(Duration.ofSeconds(5)).until(() -> b.view().state().equals("blocked"));
        // Only lbA's fence loses Primary (its checks, played by the test, and its clients still reach it): it still
        // routes there, so it keeps claiming Secondary and lbB keeps writing nowhere.
        toPrimaryA.down();
        await().during(Duration.ofSeconds(9))
                .atMost(Duration.ofSeconds(12))
                .pollInterval(Duration.ofMillis(5))
                .until(() -> !split(a, b) && !b.view().state().equals("holding"));
        assertThat(a.writer()).contains("Primary");
    }

    private static int nowhere() throws java.io.IOException {
        try (java.net.ServerSocket probe = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return probe.getLocalPort();
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
        // Primary still has lbA's old session and its lock until wait_timeout: lbB sees two writer locks, cannot tell
        // which is the writer, and writes nowhere until one is left (its open sessions are closed).
        await().atMost(Duration.ofSeconds(2))
                .pollInterval(Duration.ofMillis(10))
                .until(() -> b.backend().snapshot().held() || b.writer().equals(Optional.of("Secondary")));
        long twoWriters = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        await().atMost(Duration.ofSeconds(LockSession.WAIT_TIMEOUT_SECONDS + 5))
                .pollInterval(Duration.ofMillis(20))
                .until(() -> b.writer().equals(Optional.of("Secondary"))
                        && !b.backend().snapshot().held());
        long followed = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        System.out.println("WriterFenceTest: silent cut, lbB stopped writing to Primary after " + twoWriters
                + " ms and wrote to Secondary after " + followed + " ms (wait_timeout "
                + LockSession.WAIT_TIMEOUT_SECONDS + " s)");
        // Two fence rounds of lbB, each with a 500 ms query bound, plus scheduling slack on a shared machine.
        assertThat(twoWriters).isLessThanOrEqualTo(1_500);
        assertThat(followed).isLessThanOrEqualTo(TimeUnit.SECONDS.toMillis(LockSession.WAIT_TIMEOUT_SECONDS) + 1500);
    }
}
