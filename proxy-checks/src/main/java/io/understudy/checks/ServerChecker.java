package io.understudy.checks;

import io.understudy.core.config.CheckConfig;
import io.understudy.core.model.CheckVerdict;
import io.understudy.core.model.ControlCommand;
import io.understudy.core.model.ControlPlane;
import io.understudy.core.model.Health;
import io.understudy.core.model.Server;
import io.understudy.core.model.ServerState;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks one server on a schedule and submits each result to the control plane, which moves the rise/fall counter and
 * marks the server up or down; the next check is scheduled from the counter the commit left. Runs on the checkers'
 * timer thread (one thread), which owns every field here.
 */
final class ServerChecker {
    private static final Logger LOG = LoggerFactory.getLogger(ServerChecker.class);

    private final Server server;
    private final CheckConfig cfg;
    private final Check check;
    private final java.net.InetSocketAddress probed;
    private final ControlPlane control;
    private final ScheduledExecutorService timer;
    private final List<CheckListener> listeners;

    /** Written on the timer thread only; read from anywhere. */
    private volatile LastCheck last = LastCheck.NONE;

    // Timer thread only.
    private ScheduledFuture<?> next;
    private boolean stopped;
    /** Whether the last check could not run for a reason of this proxy's own (logged once per streak). Timer thread. */
    private boolean lastWasLocal;
    /** How long the link itself makes a check take, from the checks that passed. Timer thread. */
    private final LinkCost linkCost = new LinkCost();

    ServerChecker(
            Server server,
            Check check,
            ControlPlane control,
            ScheduledExecutorService timer,
            List<CheckListener> listeners) {
        this.server = server;
        this.listeners = listeners;
        this.cfg = server.config().check();
        // A checker is made for one address: set server addr and check-port make a new one.
        this.probed = server.checkAddress();
        this.check = check;
        this.control = control;
        this.timer = timer;
    }

    CheckSnapshot snapshot(ServerState state) {
        return CheckSnapshot.of(state, last);
    }

    /** Schedules the first check. */
    void start() {
        onTimer(() -> schedule(jitter(cfg.fastinter())));
    }

    /** Stops checking. */
    void stop() {
        onTimer(() -> {
            stopped = true;
            if (next != null) {
                next.cancel(false);
            }
        });
    }

    /** Runs a check as soon as possible unless one is already running. Any thread. */
    void checkNow() {
        onTimer(() -> {
            if (!stopped && !last.inProgress()) {
                schedule(0);
            }
        });
    }

    private void onTimer(Runnable r) {
        try {
            timer.execute(r);
        } catch (RejectedExecutionException e) {
            // The checker is closing: nothing more to run.
        }
    }

    private void schedule(long delayMillis) {
        if (next != null) {
            next.cancel(false);
        }
        next = timer.schedule(this::launch, delayMillis, TimeUnit.MILLISECONDS);
    }

    /** Timer thread: starts a check unless one runs already, or checks are off or paused by maintenance. */
    private void launch() {
        if (stopped || last.inProgress()) {
            return;
        }
        ServerState st = server.state();
        if (!st.check().enabled() || st.inMaintenance()) {
            schedule(jitter(cfg.inter()));
            return;
        }
        last = last.starting();
        // The check that would take the server down if it failed gets a second, simultaneous attempt: see
        // SecondOpinion.
        boolean deciding = deciding(st);
        Duration slack = linkCost.slack(cfg.timeout());
        await(deciding ? SecondOpinion.of(check, slack) : check.run(slack), deciding, deciding ? 2 : 1, slack);
    }

    /** Whether a failed check would take the server DOWN now: checked, up, and one failure from down. */
    private static boolean deciding(ServerState st) {
        Health health = st.check().health();
        return st.check().active() && health.up() && health.onFailure().health() == 0;
    }

    /**
     * @param connections the check connections {@code run} opens, counted on the server while it runs
     * @param slack what {@code run} was allowed beyond the timeout: the guard waits that much longer too
     */
    private void await(CompletionStage<CheckResult> run, boolean secondOpinion, int connections, Duration slack) {
        server.counters().checkConnections(connections);
        long guard = cfg.timeout().plus(slack).toMillis() + 2_000;
        run.toCompletableFuture()
                .completeOnTimeout(
                        CheckResult.of(CheckStatus.L7TOUT, "check did not complete", guard),
                        guard,
                        TimeUnit.MILLISECONDS)
                .exceptionally(e -> CheckResult.notRun(String.valueOf(e), 0))
                .thenAccept(r -> {
                    server.counters().checkConnections(-connections);
                    onTimer(() -> completed(r, secondOpinion));
                });
    }

    private void completed(CheckResult r, boolean secondOpinion) {
        if (stopped) {
            return;
        }
        if (!secondOpinion && verdict(r) == CheckVerdict.FAILED && deciding(server.state())) {
            // A live error made this check the deciding one while it ran as a single attempt (the immediate re-check
            // was skipped because this one was running): it does not decide alone either. One more attempt; the
            // server passes if that one passes.
            CheckResult first = r;
            Duration slack = linkCost.slack(cfg.timeout());
            await(
                    check.run(slack)
                            .thenApply(second -> second.passed() ? second : SecondOpinion.telling(first, second)),
                    true,
                    1,
                    slack);
            return;
        }
        last = new LastCheck(java.util.Optional.of(r), System.currentTimeMillis(), false);
        if (r.passed()) {
            linkCost.passed(r.durationMillis());
        }
        for (CheckListener l : listeners) {
            l.checkCompleted(server, r);
        }
        Health before = server.state().check().health();
        // Whatever the commit's fate, the next check is scheduled: a failed apply must not stop checking for good.
        if (r.local() && !lastWasLocal) {
            LOG.warn(
                    "{}: check not run ({}): a problem of this proxy, not counted against the server",
                    server,
                    r.info());
        }
        lastWasLocal = r.local();
        control.apply(new ControlCommand.CheckOutcome(server, verdict(r), r.describe(), Optional.of(probed)))
                .whenComplete((commit, failure) -> {
                    if (failure != null) {
                        LOG.warn("{}: the control plane failed to apply a check result", server, failure);
                    }
                    onTimer(() -> scheduleNext(r, before));
                });
    }

    private void scheduleNext(CheckResult r, Health before) {
        if (stopped) {
            return;
        }
        Health h = server.state().check().health();
        if (LOG.isDebugEnabled()) {
            LOG.debug("{} check {}: {} -> {}", server, r.describe(), before.statusText(), h.statusText());
        }
        Duration wait = h.transitional() ? cfg.fastinter() : h.health() == 0 ? cfg.downinter() : cfg.inter();
        schedule(jitter(wait));
    }

    static CheckVerdict verdict(CheckResult r) {
        if (r.local()) {
            return CheckVerdict.NEUTRAL;
        }
        CheckStatus status = r.status();
        if (status.passed()) {
            return CheckVerdict.PASSED;
        }
        return status.failed() ? CheckVerdict.FAILED : CheckVerdict.NEUTRAL;
    }

    private long jitter(Duration d) {
        long ms = d.toMillis();
        double spread = cfg.spread();
        return spread <= 0
                ? ms
                : ms + (long) (ms * spread * ThreadLocalRandom.current().nextDouble());
    }

    /**
     * What the link alone costs a check: the quickest of the last {@value #PASSES} checks that passed, that is one
     * without a lost packet. A check is allowed this much beyond its {@code timeout}: the timeout's defaults (1.5 s) are
     * chosen to survive Linux's 1 s SYN retransmission on a fast network, and on a link where a passing check takes
     * 0.6 s (three round trips of 200 ms) one lost SYN would otherwise fail it, and loss alone would take a healthy
     * server down. On a LAN this adds a millisecond or two; a dead or frozen server still fails at once or at the
     * timeout plus that. Never more than the timeout itself.
     */
    static final class LinkCost {
        static final int PASSES = 8;
        private final long[] recent = new long[PASSES];
        private int count;
        private int nextSlot;

        void passed(long durationMillis) {
            recent[nextSlot] = Math.max(0, durationMillis);
            nextSlot = (nextSlot + 1) % PASSES;
            count = Math.min(count + 1, PASSES);
        }

        Duration slack(Duration timeout) {
            if (count == 0) {
                return Duration.ZERO;
            }
            long quickest = Long.MAX_VALUE;
            for (int i = 0; i < count; i++) {
                quickest = Math.min(quickest, recent[i]);
            }
            return Duration.ofMillis(Math.min(quickest, timeout.toMillis()));
        }
    }
}
