package io.understudy.checks;

import java.time.Duration;
import java.util.concurrent.CompletionStage;

/**
 * One kind of health check against one server. {@link #run(Duration)} starts a check and completes, always normally,
 * with its result within the check's timeout plus the given slack (plus a little scheduling slack); it never blocks
 * the caller and never throws. Implementations release every socket and buffer on every path.
 */
public interface Check {
    /** Starts a check allowed exactly the configured timeout. */
    default CompletionStage<CheckResult> run() {
        return run(Duration.ZERO);
    }

    /**
     * Starts a check allowed {@code slack} more than the configured timeout. The scheduler passes the link's own
     * round-trip cost (see {@link ServerChecker}), so that a timeout chosen to survive one lost SYN on a fast link
     * still does on a slow one.
     */
    CompletionStage<CheckResult> run(Duration slack);
}
