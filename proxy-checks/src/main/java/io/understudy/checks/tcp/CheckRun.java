package io.understudy.checks.tcp;

import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;
import io.understudy.checks.CheckResult;
import io.understudy.core.backend.ConnectFailure;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/**
 * The bookkeeping of one check execution: its start time, its timeout, and the future its one result completes. A
 * check decides its result once ({@link #decide()}), on its event loop, and completes the future once its socket is
 * closed, so that a caller who sees the result also sees the socket gone.
 *
 * <p>{@link #decide()} and the timer are event-loop-owned. The future is completed from the event loop, except by a
 * safety net: if the event loop never runs the check's timeout (it was shut down with the check in flight), the future
 * completes with {@code SOCKERR} shortly after the timeout, so {@link io.understudy.checks.Check#run()} keeps its
 * promise to always complete.
 */
public final class CheckRun {
    /** How long after the timeout the safety net fires; the event loop normally decides long before. */
    static final Duration SAFETY_SLACK = Duration.ofSeconds(1);

    private final long startNanos = System.nanoTime();
    private final CompletableFuture<CheckResult> future = new CompletableFuture<>();
    private ScheduledFuture<?> timer;
    private boolean decided;

    public CheckRun(Duration timeout) {
        Duration limit = timeout.plus(SAFETY_SLACK);
        future.completeOnTimeout(
                CheckResult.notRun("no result from the event loop (shut down?)", limit.toMillis()),
                limit.toMillis(),
                TimeUnit.MILLISECONDS);
    }

    /** A run that failed before it could start, e.g. because the event loop rejected it. */
    public static CompletionStage<CheckResult> failed(Throwable cause) {
        return CompletableFuture.completedFuture(
                CheckResult.notRun(ConnectFailure.of(cause).message(), 0));
    }

    public CompletionStage<CheckResult> stage() {
        return future.minimalCompletionStage();
    }

    /** Milliseconds since the check started, the {@code check_duration} of its result. */
    public long elapsedMillis() {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
    }

    /** Arms the timeout on {@code loop}, whose thread is the only one that may call {@link #decide()}. */
    public void armTimeout(EventLoop loop, Duration timeout, Runnable onTimeout) {
        timer = loop.schedule(onTimeout, Math.max(1, timeout.toNanos()), TimeUnit.NANOSECONDS);
    }

    /** Claims the right to decide the result: true the first time, false after; cancels the timeout. */
    public boolean decide() {
        if (decided) {
            return false;
        }
        decided = true;
        if (timer != null) {
            timer.cancel(false);
        }
        return true;
    }

    public boolean decided() {
        return decided;
    }

    public void complete(CheckResult result) {
        future.complete(result);
    }

    /** Closes {@code ch} (a FIN: no linger is set), then completes with {@code result}. */
    public void closeThenComplete(Channel ch, CheckResult result) {
        if (!ch.isRegistered()) {
            // Registration failed and Netty already closed it forcibly; its close future may never complete.
            complete(result);
            return;
        }
        ch.close().addListener(f -> complete(result));
    }
}
