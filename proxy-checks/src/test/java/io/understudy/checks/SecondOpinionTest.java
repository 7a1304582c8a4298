package io.understudy.checks;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.Test;

/** Two attempts, one verdict: a pass wins, two failures report the one that counts. */
class SecondOpinionTest {
    private static final CheckResult PASS = CheckResult.of(CheckStatus.L7OK, "", 1);
    private static final CheckResult TIMEOUT = CheckResult.of(CheckStatus.L4TOUT, "connect timeout", 1500);
    private static final CheckResult REFUSED = CheckResult.of(CheckStatus.L4CON, "Connection refused", 1);
    private static final CheckResult NOT_RUN = CheckResult.notRun("Too many open files", 0);

    /** A check whose attempts complete, in the order made, when the test says so. */
    private static final class Scripted implements Check {
        final Deque<CompletableFuture<CheckResult>> attempts = new ArrayDeque<>();

        final Deque<java.time.Duration> slacks = new ArrayDeque<>();

        @Override
        public CompletionStage<CheckResult> run(java.time.Duration slack) {
            slacks.add(slack);
            CompletableFuture<CheckResult> f = new CompletableFuture<>();
            attempts.add(f);
            return f;
        }
    }

    @Test
    void eachAttemptGetsTheSlack() {
        Scripted check = new Scripted();
        SecondOpinion.of(check, java.time.Duration.ofMillis(600));
        assertThat(check.slacks).containsExactly(java.time.Duration.ofMillis(600), java.time.Duration.ofMillis(600));
    }

    @Test
    void startsTwoAttemptsAtOnce() {
        Scripted check = new Scripted();
        SecondOpinion.of(check);
        assertThat(check.attempts).hasSize(2);
    }

    @Test
    void aPassCompletesTheVerdictWithoutWaitingForTheOtherAttempt() {
        Scripted check = new Scripted();
        CompletableFuture<CheckResult> verdict = SecondOpinion.of(check).toCompletableFuture();
        List<CompletableFuture<CheckResult>> a = List.copyOf(check.attempts);
        a.get(1).complete(PASS);
        assertThat(verdict).isCompletedWithValue(PASS);
        a.get(0).complete(TIMEOUT);
        assertThat(verdict).isCompletedWithValue(PASS);
    }

    @Test
    void oneFailureAndOnePassIsAPass() {
        Scripted check = new Scripted();
        CompletableFuture<CheckResult> verdict = SecondOpinion.of(check).toCompletableFuture();
        List<CompletableFuture<CheckResult>> a = List.copyOf(check.attempts);
        a.get(0).complete(TIMEOUT);
        assertThat(verdict).isNotDone();
        a.get(1).complete(PASS);
        assertThat(verdict).isCompletedWithValue(PASS);
    }

    @Test
    void twoFailuresReportTheFirst() {
        Scripted check = new Scripted();
        CompletableFuture<CheckResult> verdict = SecondOpinion.of(check).toCompletableFuture();
        List<CompletableFuture<CheckResult>> a = List.copyOf(check.attempts);
        a.get(1).complete(REFUSED);
        a.get(0).complete(TIMEOUT);
        assertThat(verdict).isCompletedWithValue(REFUSED);
    }

    @Test
    void aFailureOfTheServerOutweighsAnAttemptThatCouldNotRunHere() {
        Scripted check = new Scripted();
        CompletableFuture<CheckResult> verdict = SecondOpinion.of(check).toCompletableFuture();
        List<CompletableFuture<CheckResult>> a = List.copyOf(check.attempts);
        a.get(0).complete(NOT_RUN);
        a.get(1).complete(TIMEOUT);
        assertThat(verdict).isCompletedWithValue(TIMEOUT);
    }

    @Test
    void anAttemptThatCompletesExceptionallyIsNotRunAndNeverHangsTheVerdict() {
        Scripted check = new Scripted();
        CompletableFuture<CheckResult> verdict = SecondOpinion.of(check).toCompletableFuture();
        List<CompletableFuture<CheckResult>> a = List.copyOf(check.attempts);
        a.get(0).completeExceptionally(new IllegalStateException("bug"));
        a.get(1).completeExceptionally(new IllegalStateException("bug"));
        assertThat(verdict).isDone();
        assertThat(verdict.join().local()).isTrue();
    }
}
