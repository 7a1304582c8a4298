package io.understudy.checks;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The check whose failure would mark a server down, run as two independent attempts at once: the server passes if
 * either passes. A server that is dead, frozen or cut off fails both at the same moment one attempt would have failed,
 * so detection is as fast as before; a lossy link, where a single attempt fails whenever one packet of its handshake
 * is lost twice in a row, has to lose on both connections at once, which makes random loss alone about as likely to
 * take a server down as two independent such attempts are to fail together (issue 15, defect 2: 5% loss made a
 * healthy primary flap five times a minute).
 */
final class SecondOpinion {
    private SecondOpinion() {}

    /** Runs {@code check} twice; completes with the first pass, or once both are in with the more telling failure. */
    static CompletionStage<CheckResult> of(Check check) {
        return of(check, java.time.Duration.ZERO);
    }

    /** The same, each attempt allowed {@code slack} beyond the configured timeout. */
    static CompletionStage<CheckResult> of(Check check, java.time.Duration slack) {
        CompletableFuture<CheckResult> verdict = new CompletableFuture<>();
        AtomicReference<CheckResult> first = new AtomicReference<>();
        for (int i = 0; i < 2; i++) {
            check.run(slack).whenComplete((r, e) -> {
                CheckResult result = r != null ? r : CheckResult.notRun(String.valueOf(e), 0);
                if (result.passed()) {
                    verdict.complete(result);
                    return;
                }
                if (!first.compareAndSet(null, result)) {
                    verdict.complete(telling(first.get(), result));
                }
            });
        }
        return verdict;
    }

    /**
     * Of two results that did not pass, the one to report: a failure counted against the server over one that says
     * nothing about it (a check that could not run here), and otherwise the earlier.
     */
    static CheckResult telling(CheckResult earlier, CheckResult later) {
        if (!counted(earlier) && counted(later)) {
            return later;
        }
        return earlier;
    }

    private static boolean counted(CheckResult r) {
        return !r.local() && r.status().failed();
    }
}
