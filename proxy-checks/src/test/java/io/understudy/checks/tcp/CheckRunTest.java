package io.understudy.checks.tcp;

import static org.assertj.core.api.Assertions.assertThat;

import io.understudy.checks.CheckResult;
import io.understudy.checks.CheckStatus;
import java.time.Duration;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A check run that never got an answer from its event loop, or could not even start on it, failed for a reason of the
 * proxy's own: shown as SOCKERR, but not counted against the server (a healthy server went DOWN for half a second when
 * every first check of a start failed this way).
 */
class CheckRunTest {
    @Test
    void noResultFromTheEventLoopIsNotTheServersFailure() throws Exception {
        CheckRun run = new CheckRun(Duration.ofMillis(10));
        CheckResult r =
                run.stage().toCompletableFuture().get(CheckRun.SAFETY_SLACK.toMillis() + 5_000, TimeUnit.MILLISECONDS);
        assertThat(r.status()).isEqualTo(CheckStatus.SOCKERR);
        assertThat(r.local()).isTrue();
        assertThat(r.info()).contains("no result from the event loop");
    }

    @Test
    void aRunTheEventLoopRejectedIsNotTheServersFailure() throws Exception {
        CheckResult r = CheckRun.failed(new RejectedExecutionException("event executor terminated"))
                .toCompletableFuture()
                .get(1, TimeUnit.SECONDS);
        assertThat(r.status()).isEqualTo(CheckStatus.SOCKERR);
        assertThat(r.local()).isTrue();
    }
}
