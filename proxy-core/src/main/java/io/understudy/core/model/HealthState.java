package io.understudy.core.model;

import io.understudy.core.backend.ConnectFailure;
import io.understudy.core.config.CheckConfig;
import io.understudy.core.config.LiveErrors;
import java.util.Optional;

/**
 * What health checking has established about one server, held in the model so that health exists once: the rise/fall
 * counter that decides the operational state, whether checks run, and HAProxy's check counters.
 *
 * @param configured the server has a {@code check} (otherwise the rest is inert and the counter sits at {@code rise})
 * @param enabled checks are on ({@code disable health} turns them off; HAProxy then shows {@code no check})
 * @param health the rise/fall counter
 * @param passive the live-traffic failure acted on since the last active check, if any (at most one is)
 * @param liveErrors live-traffic failures seen since the last active check (against {@code error-limit})
 * @param falling a failure was seen while the server was up, and neither a full recovery nor a fall has settled it:
 *     HAProxy's "UP 2/3" going down. A writer whose health is falling takes no new session until it is settled.
 * @param failedChecks failed checks that found the server not already fully down ({@code chkfail})
 * @param passiveFailures live-traffic connect failures counted as failed checks
 */
public record HealthState(
        boolean configured,
        boolean enabled,
        Health health,
        Optional<ConnectFailure> passive,
        int liveErrors,
        boolean falling,
        long failedChecks,
        long passiveFailures) {

    /** Before the first check: up one failure from down, or fully down with {@code initial = down}. */
    static HealthState initial(CheckConfig cfg) {
        boolean up = !cfg.enabled() || cfg.initialUp();
        return new HealthState(
                cfg.enabled(), true, Health.initial(up, cfg.rise(), cfg.fall()), Optional.empty(), 0, false, 0, 0);
    }

    /** Whether a live-traffic failure was counted since the last active check. */
    public boolean passiveCounted() {
        return passive.isPresent();
    }

    /**
     * Whether the server's health is in doubt: checked, up, and a failure seen since it was last fully up. The decision
     * (back to fully up, or down) comes from the next checks, run at {@code fastinter}.
     */
    public boolean inDoubt() {
        return active() && falling && health.up();
    }

    /** Whether checks run and count: configured and not turned off. */
    public boolean active() {
        return configured && enabled;
    }

    HealthState withEnabled(boolean on) {
        return new HealthState(configured, on, health, passive, liveErrors, falling, failedChecks, passiveFailures);
    }

    /** The same state with nothing in doubt and no live errors pending: a fresh start for the checks. */
    HealthState settled() {
        return settledAt(health);
    }

    /**
     * A reload's check settings: unchanged while the check stays on with the same thresholds; otherwise the counter
     * starts again from where the server stands (up stays up, down stays down), nothing left in doubt, and the operator's
     * {@code disable health} kept.
     */
    HealthState reconfigured(io.understudy.core.config.CheckConfig cfg) {
        if (cfg.enabled() == configured && cfg.rise() == health.rise() && cfg.fall() == health.fall()) {
            return this;
        }
        boolean up = !cfg.enabled() || health.up();
        return new HealthState(
                cfg.enabled(),
                enabled,
                Health.initial(up, cfg.rise(), cfg.fall()),
                Optional.empty(),
                0,
                false,
                failedChecks,
                passiveFailures);
    }

    /** A fresh start for the checks from counter {@code h}. */
    HealthState settledAt(Health h) {
        return new HealthState(configured, enabled, h, Optional.empty(), 0, false, failedChecks, passiveFailures);
    }

    /**
     * {@code set server health}: the counter forced fully up or fully down, as HAProxy does; the next checks move it
     * again.
     */
    HealthState forced(boolean up) {
        return settledAt(new Health(up ? health.max() : 0, health.rise(), health.fall()));
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
        boolean fell = verdict == CheckVerdict.FAILED && health.up();
        return new HealthState(
                configured, enabled, h, Optional.empty(), 0, !settles(h) && (falling || fell), failed, passiveFailures);
    }

    /** A live-traffic failure below {@code error-limit}: only counted, for the limit. */
    HealthState afterLiveError() {
        return new HealthState(
                configured, enabled, health, passive, liveErrors + 1, falling, failedChecks, passiveFailures);
    }

    /**
     * A live-traffic failure that reached {@code error-limit}: {@code onError} acts on the counter (a failed check,
     * one failure from down, or down at once; {@code fastinter} leaves it as it is) and, while up, puts the health in
     * doubt until the next check.
     */
    HealthState afterPassiveFailure(ConnectFailure failure, LiveErrors.OnError onError) {
        Health h =
                switch (onError) {
                    case FASTINTER -> health;
                    case FAIL_CHECK -> health.onFailure();
                    case SUDDEN_DEATH -> health.health() > health.rise()
                            ? new Health(health.rise(), health.rise(), health.fall())
                            : health.onFailure();
                    case MARK_DOWN -> new Health(0, health.rise(), health.fall());
                };
        long failed = failedChecks + (onError != LiveErrors.OnError.FASTINTER && health.health() > 0 ? 1 : 0);
        boolean doubt = h.up() && (falling || health.up());
        return new HealthState(
                configured, enabled, h, Optional.of(failure), liveErrors + 1, doubt, failed, passiveFailures + 1);
    }

    /** Fully up or down: nothing left to decide. */
    private static boolean settles(Health h) {
        return h.health() == h.max() || !h.up();
    }

    /** The part an operator sees change: the counter and whether checks are on (not the bookkeeping). */
    boolean sameVisible(HealthState o) {
        return enabled == o.enabled && health.equals(o.health);
    }
}
