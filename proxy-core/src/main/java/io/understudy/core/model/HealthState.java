package io.understudy.core.model;

import io.understudy.core.backend.ConnectFailure;
import io.understudy.core.config.CheckConfig;
import java.util.Optional;

/**
 * What health checking has established about one server, held in the model so that health exists once: the rise/fall
 * counter that decides the operational state, whether checks run, and HAProxy's check counters.
 *
 * @param configured the server has a {@code check} (otherwise the rest is inert and the counter sits at {@code rise})
 * @param enabled checks are on ({@code disable health} turns them off; HAProxy then shows {@code no check})
 * @param health the rise/fall counter
 * @param passive the live-traffic failure counted since the last active check, if any (at most one is)
 * @param failedChecks failed checks that found the server not already fully down ({@code chkfail})
 * @param passiveFailures live-traffic connect failures counted as failed checks
 */
public record HealthState(
        boolean configured,
        boolean enabled,
        Health health,
        Optional<ConnectFailure> passive,
        long failedChecks,
        long passiveFailures) {

    /** Before the first check: up one failure from down, or fully down with {@code initial = down}. */
    static HealthState initial(CheckConfig cfg) {
        boolean up = !cfg.enabled() || cfg.initialUp();
        return new HealthState(cfg.enabled(), true, Health.initial(up, cfg.rise(), cfg.fall()), Optional.empty(), 0, 0);
    }

    /** Whether a live-traffic failure was counted since the last active check. */
    public boolean passiveCounted() {
        return passive.isPresent();
    }

    /** Whether checks run and count: configured and not turned off. */
    public boolean active() {
        return configured && enabled;
    }

    HealthState withEnabled(boolean on) {
        return new HealthState(configured, on, health, passive, failedChecks, passiveFailures);
    }

    HealthState withHealth(Health h) {
        return new HealthState(configured, enabled, h, passive, failedChecks, passiveFailures);
    }

    /** An active check completed: moves the counter, counts HAProxy's {@code chkfail}, re-arms the passive signal. */
    HealthState afterCheck(CheckVerdict verdict) {
        Health h =
                switch (verdict) {
                    case PASSED -> health.onSuccess();
                    case FAILED -> health.onFailure();
                    case NEUTRAL -> health;
                };
        long failed = failedChecks + (verdict == CheckVerdict.FAILED && health.health() > 0 ? 1 : 0);
        return new HealthState(configured, enabled, h, Optional.empty(), failed, passiveFailures);
    }

    /** A live-traffic failure counted as one failed check. */
    HealthState afterPassiveFailure(ConnectFailure failure) {
        long failed = failedChecks + (health.health() > 0 ? 1 : 0);
        return new HealthState(
                configured, enabled, health.onFailure(), Optional.of(failure), failed, passiveFailures + 1);
    }

    /** The part an operator sees change: the counter and whether checks are on (not the bookkeeping). */
    boolean sameVisible(HealthState o) {
        return enabled == o.enabled && health.equals(o.health);
    }
}
