package io.understudy.checks;

import io.understudy.core.backend.ConnectFailure;
import io.understudy.core.config.CheckConfig;
import io.understudy.core.model.ControlPlane;
import io.understudy.core.model.OpState;
import io.understudy.core.model.Server;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks one server on a schedule and turns results into state: updates the rise/fall counter, publishes a
 * {@link CheckSnapshot}, and asks the control plane to mark the server up or down when the counter crosses
 * {@code rise}. Every result is applied on the control plane's thread, so this object has a single writer; the timer
 * only starts checks.
 */
final class ServerChecker {
    private static final Logger LOG = LoggerFactory.getLogger(ServerChecker.class);

    private final Server server;
    private final CheckConfig cfg;
    private final Check check;
    private final ControlPlane control;
    private final ScheduledExecutorService timer;
    private final java.util.List<CheckListener> listeners;

    /** Written on the control plane's thread only. */
    private volatile CheckSnapshot snapshot;

    // Control-plane thread only.
    private ScheduledFuture<?> next;
    private boolean passiveCountedSinceLastCheck;
    private boolean stopped;

    ServerChecker(
            Server server,
            Check check,
            ControlPlane control,
            ScheduledExecutorService timer,
            java.util.List<CheckListener> listeners) {
        this.server = server;
        this.listeners = listeners;
        this.cfg = server.config().check();
        this.check = check;
        this.control = control;
        this.timer = timer;
        this.snapshot = CheckSnapshot.initial(Health.initial(cfg.initialUp(), cfg.rise(), cfg.fall()));
    }

    Server server() {
        return server;
    }

    CheckSnapshot snapshot() {
        return snapshot;
    }

    /** Publishes the initial operational state and schedules the first check. Control-plane thread. */
    void start() {
        if (!cfg.initialUp()) {
            control.setOperational(
                    server, OpState.STOPPED, "initial state down: waiting for " + cfg.rise() + " checks");
        }
        schedule(jitter(cfg.fastinter()));
    }

    /** Stops checking. Control-plane thread. */
    void stop() {
        stopped = true;
        if (next != null) {
            next.cancel(false);
        }
    }

    /** Runs a check as soon as possible unless one is already running. Control-plane thread. */
    void checkNow() {
        if (!stopped && !snapshot.inProgress()) {
            schedule(0);
        }
    }

    /** {@code disable health} / {@code enable health}. Control-plane thread. */
    void pause(boolean paused) {
        snapshot = snapshot.withPaused(paused);
        if (!paused) {
            checkNow();
        }
    }

    /**
     * Live traffic could not connect: counts as one failed check (at most one between two active checks, so a burst of
     * clients does not take a server down alone) and triggers an immediate active check. Control-plane thread.
     */
    void passiveFailure(ConnectFailure failure) {
        if (stopped || snapshot.paused() || server.state().inMaintenance()) {
            return;
        }
        if (!passiveCountedSinceLastCheck) {
            passiveCountedSinceLastCheck = true;
            CheckStatus status =
                    switch (failure.kind()) {
                        case REFUSED -> CheckStatus.L4CON;
                        case TIMEOUT -> CheckStatus.L4TOUT;
                        case NO_GREETING -> CheckStatus.L7TOUT;
                        case ERROR -> CheckStatus.SOCKERR;
                    };
            apply(CheckResult.of(status, "live traffic: " + failure.message(), 0), true);
        }
        checkNow();
    }

    /** Leaving maintenance: HAProxy restarts the counter at {@code rise} (up, one failure from down), then checks. */
    void leftMaintenance() {
        snapshot = snapshot.withHealth(new Health(cfg.rise(), cfg.rise(), cfg.fall()));
        if (!server.state().op().takesTraffic()) {
            control.setOperational(server, OpState.RUNNING, "leaving maintenance");
        }
        checkNow();
    }

    private void schedule(long delayMillis) {
        if (next != null) {
            next.cancel(false);
        }
        next = timer.schedule(this::launch, delayMillis, TimeUnit.MILLISECONDS);
    }

    /** Timer thread: starts a check and routes its result to the control plane's thread. */
    private void launch() {
        control.submit(() -> {
            // A burst of live-traffic failures can queue several launches before the first one runs: one check at a
            // time, and the running check's completion schedules the next.
            if (stopped || snapshot.inProgress()) {
                return;
            }
            if (snapshot.paused() || server.state().inMaintenance()) {
                schedule(jitter(cfg.inter()));
                return;
            }
            snapshot = snapshot.starting();
            long guard = cfg.timeout().toMillis() + 2_000;
            check.run()
                    .toCompletableFuture()
                    .completeOnTimeout(
                            CheckResult.of(CheckStatus.L7TOUT, "check did not complete", guard),
                            guard,
                            TimeUnit.MILLISECONDS)
                    .exceptionally(e -> CheckResult.of(CheckStatus.SOCKERR, String.valueOf(e), 0))
                    .thenAccept(r -> control.submit(() -> completed(r)));
        });
    }

    private void completed(CheckResult r) {
        if (stopped) {
            return;
        }
        passiveCountedSinceLastCheck = false;
        apply(r, false);
        for (CheckListener l : listeners) {
            l.checkCompleted(server, r);
        }
        Health h = snapshot.health();
        Duration wait = h.transitional() ? cfg.fastinter() : h.health() == 0 ? cfg.downinter() : cfg.inter();
        schedule(jitter(wait));
    }

    private void apply(CheckResult r, boolean passive) {
        CheckSnapshot before = snapshot;
        Health h = before.health();
        if (r.status().passed()) {
            h = h.onSuccess();
        } else if (r.status().failed()) {
            h = h.onFailure();
        }
        boolean wentDown = before.health().up() && !h.up();
        boolean wentUp = !before.health().up() && h.up();
        // completed() keeps inProgress only for a passive failure arriving while a check runs.
        snapshot = before.completed(r, h, System.currentTimeMillis(), wentDown, passive);
        if (LOG.isDebugEnabled()) {
            LOG.debug(
                    "{} check {}: {} -> {}",
                    server,
                    r.describe(),
                    before.health().statusText(),
                    h.statusText());
        }
        if (wentDown) {
            control.setOperational(server, OpState.STOPPED, r.describe());
        } else if (wentUp || (h.up() && !server.state().op().takesTraffic())) {
            control.setOperational(server, OpState.RUNNING, r.describe());
        }
    }

    private long jitter(Duration d) {
        long ms = d.toMillis();
        double spread = cfg.spread();
        return spread <= 0
                ? ms
                : ms + (long) (ms * spread * ThreadLocalRandom.current().nextDouble());
    }
}
