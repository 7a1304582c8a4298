package io.understudy.checks;

import io.understudy.core.model.Health;
import io.understudy.core.model.HealthState;
import io.understudy.core.model.ServerState;
import java.util.Optional;

/**
 * What {@code show stat}, metrics and logs show of one server's health checking: a view that joins what the model holds
 * (the rise/fall counter, the check counters, whether checks are on, a live-traffic failure counted since the last
 * check) with what only the checker knows (the last result and whether a check is running). Computed when asked, so health is held in one place: the model.
 *
 * @param health the rise/fall counter
 * @param last the last completed check, if any
 * @param lastCheckMillis wall-clock time the last check completed, or -1
 * @param inProgress a check is running now ({@code show stat} prefixes the status with {@code "* "})
 * @param failedChecks failed checks since start ({@code chkfail}); as in HAProxy, only those that found the server not
 *     already fully down (health above 0), so the count does not run on while a server stays down
 * @param downTransitions times the server went down since start ({@code chkdown}): marked down, or put in maintenance
 * @param passiveFailures live-traffic connect failures counted as failed checks
 * @param paused checks are turned off ({@code disable health})
 */
public record CheckSnapshot(
        Health health,
        Optional<CheckResult> last,
        long lastCheckMillis,
        boolean inProgress,
        long failedChecks,
        long downTransitions,
        long passiveFailures,
        boolean paused) {

    /** The view of a checked server: the model's {@code state} and the checker's {@code run}. */
    static CheckSnapshot of(ServerState state, LastCheck run) {
        HealthState h = state.check();
        // A live-traffic failure counted since the last check is the latest word on the server, as HAProxy shows it.
        Optional<CheckResult> last = h.passive()
                .map(f -> CheckResult.of(CheckStatus.of(f.kind()), "live traffic: " + f.message(), 0))
                .or(run::result);
        return new CheckSnapshot(
                h.health(),
                last,
                run.atMillis(),
                run.inProgress(),
                h.failedChecks(),
                state.downtime().transitions(),
                h.passiveFailures(),
                !h.enabled());
    }

    /** The status code {@code show stat} prints: {@code INI} before the first check, then the last result's. */
    public CheckStatus status() {
        return last.map(CheckResult::status).orElse(CheckStatus.INI);
    }
}
