package io.understudy.checks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.understudy.core.backend.ConnectFailure;
import io.understudy.core.config.BackendConfig;
import io.understudy.core.config.Balance;
import io.understudy.core.config.CheckConfig;
import io.understudy.core.config.FailoverPolicy;
import io.understudy.core.config.HostPort;
import io.understudy.core.config.ServerConfig;
import io.understudy.core.model.AdminMode;
import io.understudy.core.model.Backend;
import io.understudy.core.model.ControlCommand;
import io.understudy.core.model.ControlPlane;
import io.understudy.core.model.OpState;
import io.understudy.core.model.Origin;
import io.understudy.core.model.Server;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The scheduler and state machine, driven by scripted check results instead of servers. */
@Timeout(30)
class HealthCheckerTest {
    private static final ConnectFailure REFUSED =
            new ConnectFailure(ConnectFailure.Kind.CONNECTION, "Connection refused");

    private final ConcurrentHashMap<String, AtomicReference<CheckStatus>> answers = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, AtomicInteger> runs = new ConcurrentHashMap<>();
    private ControlPlane control;
    /** Every check fails for a reason of the proxy's own (EMFILE). */
    private volatile boolean localErrors;
    /** This many of the next check attempts time out, whatever the answers say: a lossy link's odd bad attempt. */
    private final AtomicInteger failNext = new AtomicInteger();
    /** The next attempt on Primary returns this future, completed by the test: a check still running. */
    private final AtomicReference<CompletableFuture<CheckResult>> holdNext = new AtomicReference<>();

    /** The duration the scripted passing checks report: what the link costs a check. */
    private volatile long passMillis = 1;

    private HealthChecker checker;
    private Backend backend;

    static CheckConfig check(boolean initialUp, Duration inter) {
        return check(initialUp, inter, Duration.ofMillis(500));
    }

    static CheckConfig check(boolean initialUp, Duration inter, Duration timeout) {
        return new CheckConfig(
                true,
                CheckConfig.CheckType.MYSQL,
                "haproxy",
                "",
                CheckConfig.MySqlVariant.POST_41,
                inter,
                Duration.ofMillis(20),
                inter,
                2,
                3,
                timeout,
                0.0,
                initialUp,
                "SELECT 1",
                false,
                Optional.empty());
    }

    private void start(boolean initialUp, Duration inter) {
        start(initialUp, inter, Duration.ofMillis(500));
    }

    private void start(boolean initialUp, Duration inter, Duration timeout) {
        HostPort addr = new HostPort("127.0.0.1", 1, new InetSocketAddress("127.0.0.1", 1));
        CheckConfig cc = check(initialUp, inter, timeout);
        backend = new Backend(
                new BackendConfig(
                        "MySQL",
                        Balance.FIRST,
                        false,
                        3,
                        -1,
                        Duration.ofMillis(10),
                        Duration.ofSeconds(1),
                        Duration.ofSeconds(1),
                        List.of(
                                new ServerConfig("Primary", 1, addr, false, 1, 0, false, cc),
                                new ServerConfig("Secondary", 2, addr, true, 1, 0, false, cc)),
                        FailoverPolicy.defaults()),
                0);
        control = new ControlPlane(List.of(backend), s -> 0);
        for (Server s : backend.servers()) {
            answers.put(s.name(), new AtomicReference<>(CheckStatus.L7OK));
            runs.put(s.name(), new AtomicInteger());
        }
        checker = new HealthChecker(control, s -> slack -> {
            runs.get(s.name()).incrementAndGet();
            CompletableFuture<CheckResult> held = s.name().equals("Primary") ? holdNext.getAndSet(null) : null;
            if (held != null) {
                return held;
            }
            if (s.name().equals("Primary") && failNext.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                return CompletableFuture.completedFuture(CheckResult.of(CheckStatus.L4TOUT, "connect timeout", 500));
            }
            CheckStatus st = answers.get(s.name()).get();
            if (localErrors) {
                return CompletableFuture.completedFuture(CheckResult.connectFailed(
                        new io.netty.channel.ChannelException(
                                "Unable to create Channel from class EpollSocketChannel",
                                new java.net.SocketException("Too many open files")),
                        0));
            }
            return CompletableFuture.completedFuture(
                    st == CheckStatus.L7STS
                            ? CheckResult.withCode(st, 1045, "#28000Access denied", 3)
                            : CheckResult.of(st, "", passMillis));
        });
        checker.start();
    }

    @AfterEach
    void tearDown() {
        if (checker != null) {
            checker.close();
        }
        if (control != null) {
            control.close();
        }
    }

    private Server s(String name) {
        return backend.server(name).orElseThrow();
    }

    private void awaitStatus(String server, String status) {
        await().until(() ->
                checker.snapshot(s(server)).orElseThrow().health().statusText().equals(status));
    }

    /**
     * A check runs within its timeout plus the link's cost (the quickest recent pass): the scheduler's guard must wait
     * that long too, not cut a healthy check short as "did not complete" (it waited timeout + 2 s only).
     */
    @Test
    void theGuardWaitsForTheSlackTheCheckWasGiven() throws Exception {
        passMillis = 2_500; // a slow link: every pass takes 2.5 s, so the slack is the whole timeout
        start(true, Duration.ofMillis(30), Duration.ofMillis(2_500));
        List<CheckResult> results = new java.util.concurrent.CopyOnWriteArrayList<>();
        checker.addListener((server, r) -> {
            if (server.name().equals("Primary")) {
                results.add(r);
            }
        });
        await().until(() -> results.size() >= 3);
        CompletableFuture<CheckResult> held = new CompletableFuture<>();
        holdNext.set(held);
        await().until(() -> holdNext.get() == null); // the held check has started
        // Completes 4.7 s in: past timeout + 2 s (4.5 s), within timeout + slack (5 s).
        var later = java.util.concurrent.Executors.newSingleThreadScheduledExecutor();
        later.schedule(
                () -> held.complete(CheckResult.of(CheckStatus.L7OK, "", 4_700)),
                4_700,
                java.util.concurrent.TimeUnit.MILLISECONDS);
        later.shutdown(); // the scheduled completion still runs, then the thread ends
        // The held check's outcome: its own pass, or the guard's "did not complete" if it cut the check short.
        await().atMost(Duration.ofSeconds(10)).until(() -> results.stream().anyMatch(r -> r.durationMillis() != 2_500));
        CheckResult outcome = results.stream()
                .filter(r -> r.durationMillis() != 2_500)
                .findFirst()
                .orElseThrow();
        assertThat(outcome.status()).as(outcome.describe()).isEqualTo(CheckStatus.L7OK);
        assertThat(outcome.durationMillis()).isEqualTo(4_700);
        assertThat(checker.snapshot(s("Primary")).orElseThrow().failedChecks()).isZero();
    }

    @Test
    void checksThatCannotRunForWantOfDescriptorsNeverTakeAServerDown() {
        start(true, Duration.ofMillis(30));
        awaitStatus("Primary", "UP");
        localErrors = true;
        int before = runs.get("Primary").get();
        await().until(() -> runs.get("Primary").get() > before + 10);
        CheckSnapshot snap = checker.snapshot(s("Primary")).orElseThrow();
        // Shown as HAProxy's socket error, with the reason, but counted neither way.
        assertThat(snap.status()).isEqualTo(CheckStatus.SOCKERR);
        assertThat(snap.health().statusText()).isEqualTo("UP");
        assertThat(snap.failedChecks()).isZero();
        assertThat(s("Primary").state().op()).isEqualTo(OpState.RUNNING);
        assertThat(backend.snapshot().runningOnBackup()).isFalse();
        localErrors = false;
    }

    @Test
    void failingChecksTakeTheServerDownAndPassingOnesBringItBack() {
        start(true, Duration.ofMillis(30));
        awaitStatus("Primary", "UP");
        answers.get("Primary").set(CheckStatus.L7STS);
        await().until(() -> s("Primary").state().op() == OpState.STOPPED);
        CheckSnapshot snap = checker.snapshot(s("Primary")).orElseThrow();
        assertThat(snap.health().statusText()).isEqualTo("DOWN");
        // HAProxy's chkfail: failures while health was above 0 only (rise 2, fall 3: health 4 -> 3 -> 2 -> 0).
        assertThat(snap.failedChecks()).isEqualTo(3);
        await().until(() -> runs.get("Primary").get() > 10);
        assertThat(checker.snapshot(s("Primary")).orElseThrow().failedChecks()).isEqualTo(3);
        assertThat(snap.downTransitions()).isEqualTo(1);
        assertThat(snap.status()).isEqualTo(CheckStatus.L7STS);
        assertThat(s("Primary").state().reason().text())
                .isEqualTo("Layer7 wrong status, code: 1045, info: \"#28000Access denied\", check duration: 3ms");
        assertThat(backend.snapshot().runningOnBackup()).isTrue();

        answers.get("Primary").set(CheckStatus.L7OK);
        await().until(() -> s("Primary").state().op() == OpState.RUNNING);
        assertThat(checker.snapshot(s("Primary")).orElseThrow().health().statusText())
                .isEqualTo("UP");
        // Back UP by its checks, Primary takes the traffic back once it has stayed up for failback-delay (2s).
        long upAt = System.nanoTime();
        await().atMost(Duration.ofSeconds(10)).until(() -> !backend.snapshot().runningOnBackup());
        assertThat(Duration.ofNanos(System.nanoTime() - upAt))
                .isGreaterThanOrEqualTo(FailoverPolicy.DEFAULT_FAILBACK_DELAY.minusMillis(100));
    }

    @Test
    void aServerConfiguredToStartDownTakesNoTrafficUntilRiseChecksPass() {
        answers.clear();
        start(false, Duration.ofSeconds(30));
        // The configuration's initial state: nothing is usable before rise checks pass.
        assertThat(backend.snapshot().noServerAvailable()).isTrue();
        await().until(() -> s("Primary").state().op() == OpState.RUNNING);
        assertThat(runs.get("Primary").get()).isGreaterThanOrEqualTo(2);
    }

    @Test
    void theCheckThatWouldTakeTheServerDownGetsASecondAttemptAndOnePassKeepsItUp() {
        // Issue 15, defect 2: after a live error (sudden death leaves the server one failure from DOWN) a single
        // unlucky attempt on a lossy link took a healthy server down. The deciding check runs two attempts at once.
        start(true, Duration.ofSeconds(30));
        awaitStatus("Primary", "UP");
        int before = runs.get("Primary").get();
        failNext.set(1);
        control.apply(new ControlCommand.PassiveFailure(s("Primary"), REFUSED)).join();
        await().atMost(Duration.ofSeconds(5)).until(() -> checker.snapshot(s("Primary"))
                .orElseThrow()
                .health()
                .statusText()
                .equals("UP"));
        assertThat(runs.get("Primary").get() - before)
                .as("attempts of the deciding check")
                .isEqualTo(2);
        assertThat(s("Primary").state().op()).isEqualTo(OpState.RUNNING);
        assertThat(checker.snapshot(s("Primary")).orElseThrow().downTransitions())
                .isZero();

        // Both attempts failing is a verdict, as fast as one attempt was.
        failNext.set(2);
        control.apply(new ControlCommand.PassiveFailure(s("Primary"), REFUSED)).join();
        await().atMost(Duration.ofSeconds(5)).until(() -> s("Primary").state().op() == OpState.STOPPED);
        assertThat(checker.snapshot(s("Primary")).orElseThrow().status()).isEqualTo(CheckStatus.L4TOUT);
    }

    @Test
    void aSingleAttemptThatBecameDecidingWhileItRanGetsASecondAttemptBeforeItsFailureCounts() {
        // The live error lands while a regular check runs: the immediate re-check is skipped (one check at a time),
        // so the running single attempt would decide alone. It must not.
        start(true, Duration.ofMillis(100));
        awaitStatus("Primary", "UP");
        CompletableFuture<CheckResult> running = new CompletableFuture<>();
        holdNext.set(running);
        await().until(() -> holdNext.get() == null);
        int before = runs.get("Primary").get();
        control.apply(new ControlCommand.PassiveFailure(s("Primary"), REFUSED)).join();
        running.complete(CheckResult.of(CheckStatus.L4TOUT, "connect timeout", 1500));

        await().atMost(Duration.ofSeconds(5)).until(() -> runs.get("Primary").get() > before);
        await().atMost(Duration.ofSeconds(5)).until(() -> checker.snapshot(s("Primary"))
                .orElseThrow()
                .health()
                .statusText()
                .equals("UP"));
        assertThat(checker.snapshot(s("Primary")).orElseThrow().downTransitions())
                .isZero();
        assertThat(s("Primary").state().op()).isEqualTo(OpState.RUNNING);
    }

    @Test
    void aLiveTrafficFailureCountsOnceAndTriggersAnImmediateCheck() {
        // A long interval: only the passive trigger can cause the next checks quickly.
        start(true, Duration.ofSeconds(30));
        awaitStatus("Primary", "UP");
        int before = runs.get("Primary").get();
        answers.get("Primary").set(CheckStatus.L4CON);
        // A burst of clients failing at once counts once, then the re-checks (at fastinter) finish the job.
        for (int i = 0; i < 10; i++) {
            control.apply(new ControlCommand.PassiveFailure(s("Primary"), REFUSED));
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> s("Primary").state().op() == OpState.STOPPED);
        CheckSnapshot snap = checker.snapshot(s("Primary")).orElseThrow();
        assertThat(snap.passiveFailures()).isBetween(1L, 3L);
        assertThat(runs.get("Primary").get()).isGreaterThan(before);
    }

    @Test
    void checksPauseInMaintenanceAndResumeWhenItEnds() throws Exception {
        start(true, Duration.ofMillis(30));
        awaitStatus("Primary", "UP");
        control.apply(new ControlCommand.SetAdminMode(s("Primary"), AdminMode.MAINT, Origin.CLI, "test"))
                .get();
        answers.get("Primary").set(CheckStatus.L4CON);
        int during = runs.get("Primary").get();
        await().during(Duration.ofMillis(200)).until(() -> runs.get("Primary").get() <= during + 1);
        assertThat(s("Primary").state().op()).isEqualTo(OpState.RUNNING);
        control.apply(new ControlCommand.SetAdminMode(s("Primary"), AdminMode.READY, Origin.CLI, "test"))
                .get();
        await().until(() -> s("Primary").state().op() == OpState.STOPPED);
    }

    @Test
    void disableHealthStopsChecking() throws Exception {
        start(true, Duration.ofMillis(30));
        await().until(() -> runs.get("Primary").get() >= 2);
        assertThat(control.apply(new ControlCommand.SetChecksEnabled(s("Primary"), false, Origin.CLI))
                        .get()
                        .events())
                .hasSize(1);
        answers.get("Primary").set(CheckStatus.L4CON);
        int paused = runs.get("Primary").get();
        await().during(Duration.ofMillis(200)).until(() -> runs.get("Primary").get() <= paused + 1);
        assertThat(s("Primary").state().op()).isEqualTo(OpState.RUNNING);
        assertThat(control.apply(new ControlCommand.SetChecksEnabled(s("Primary"), true, Origin.CLI))
                        .get()
                        .events())
                .hasSize(1);
        await().until(() -> s("Primary").state().op() == OpState.STOPPED);
    }

    @Test
    void aBurstOfLiveTrafficFailuresNeverRunsTwoChecksOfAServerAtOnce() throws Exception {
        HostPort addr = new HostPort("127.0.0.1", 1, new InetSocketAddress("127.0.0.1", 1));
        backend = new Backend(
                new BackendConfig(
                        "MySQL",
                        Balance.FIRST,
                        false,
                        3,
                        -1,
                        Duration.ofMillis(10),
                        Duration.ofSeconds(1),
                        Duration.ofSeconds(1),
                        List.of(new ServerConfig(
                                "Primary", 1, addr, false, 1, 0, false, check(true, Duration.ofSeconds(30)))),
                        FailoverPolicy.defaults()),
                0);
        control = new ControlPlane(List.of(backend), s -> 0);
        AtomicInteger inFlight = new AtomicInteger();
        AtomicInteger maxInFlight = new AtomicInteger();
        AtomicInteger started = new AtomicInteger();
        java.util.concurrent.ScheduledExecutorService delay =
                java.util.concurrent.Executors.newSingleThreadScheduledExecutor();
        try {
            // Each check takes 50 ms, long enough for queued launches to overlap if nothing prevents it.
            checker = new HealthChecker(control, s -> slack -> {
                started.incrementAndGet();
                maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
                CompletableFuture<CheckResult> f = new CompletableFuture<>();
                delay.schedule(
                        () -> {
                            inFlight.decrementAndGet();
                            f.complete(CheckResult.of(CheckStatus.L4CON, "", 50));
                        },
                        50,
                        java.util.concurrent.TimeUnit.MILLISECONDS);
                return f;
            });
            checker.start();
            Server p = backend.server("Primary").orElseThrow();
            for (int i = 0; i < 50; i++) {
                control.apply(new ControlCommand.PassiveFailure(p, REFUSED));
            }
            await().atMost(Duration.ofSeconds(5)).until(() -> p.state().op() == OpState.STOPPED);
            // The burst's re-checks have run (the next regular one is 30 s away): never two at once.
            await().atMost(Duration.ofSeconds(5)).until(() -> started.get() >= 1 && inFlight.get() == 0);
            assertThat(maxInFlight.get()).isEqualTo(1);
        } finally {
            delay.shutdownNow();
        }
    }
}
