package io.understudy.checks;

import java.util.Optional;

/**
 * What only the checker knows about one server's checks: the last result and whether one is running. Replaced as a
 * whole by the checker's timer thread.
 *
 * @param result the last completed check, if any
 * @param atMillis wall-clock time it completed, or -1
 * @param inProgress a check is running now
 */
record LastCheck(Optional<CheckResult> result, long atMillis, boolean inProgress) {
    static final LastCheck NONE = new LastCheck(Optional.empty(), -1, false);

    LastCheck starting() {
        return new LastCheck(result, atMillis, true);
    }
}
