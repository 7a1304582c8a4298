package io.understudy.checks;

import java.util.Optional;

/**
 * The published health-check state of one server, for {@code show stat}, metrics and logs. Replaced as a whole, on the
 * control plane's thread, after every check.
 *
 * @param health the rise/fall counter
 * @param last the last completed check, if any
 * @param lastCheckMillis wall-clock time the last check completed, or -1
 * @param inProgress a check is running now ({@code show stat} prefixes the status with {@code "* "})
 * @param failedChecks failed checks since start ({@code chkfail}); as in HAProxy, only those that found the server not
 *     already fully down (health above 0), so the count does not run on while a server stays down
 * @param downTransitions UP to DOWN transitions since start ({@code chkdown})
 * @param passiveFailures live-traffic connect failures counted as failed checks
 * @param paused checks are suspended ({@code disable health}, maintenance)
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

    static CheckSnapshot initial(Health h) {
        return new CheckSnapshot(h, Optional.empty(), -1, false, 0, 0, 0, false);
    }

    /** The status code {@code show stat} prints: {@code INI} before the first check, then the last result's. */
    public CheckStatus status() {
        return last.map(CheckResult::status).orElse(CheckStatus.INI);
    }

    CheckSnapshot starting() {
        return new CheckSnapshot(
                health, last, lastCheckMillis, true, failedChecks, downTransitions, passiveFailures, paused);
    }

    CheckSnapshot completed(CheckResult r, Health h, long now, boolean wentDown, boolean passive) {
        return new CheckSnapshot(
                h,
                Optional.of(r),
                now,
                passive && inProgress,
                failedChecks + (r.status().failed() && health.health() > 0 ? 1 : 0),
                downTransitions + (wentDown ? 1 : 0),
                passiveFailures + (passive ? 1 : 0),
                paused);
    }

    CheckSnapshot withPaused(boolean p) {
        return new CheckSnapshot(
                health, last, lastCheckMillis, inProgress, failedChecks, downTransitions, passiveFailures, p);
    }

    CheckSnapshot withHealth(Health h) {
        return new CheckSnapshot(
                h, last, lastCheckMillis, inProgress, failedChecks, downTransitions, passiveFailures, paused);
    }
}
