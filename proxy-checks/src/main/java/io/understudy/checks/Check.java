package io.understudy.checks;

import java.util.concurrent.CompletionStage;

/**
 * One kind of health check against one server. {@link #run()} starts a check and completes, always normally, with its
 * result within the check's timeout (plus a little scheduling slack); it never blocks the caller and never throws.
 * Implementations release every socket and buffer on every path.
 */
public interface Check {
    CompletionStage<CheckResult> run();
}
