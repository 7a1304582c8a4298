package io.understudy.admin.command;

import io.understudy.checks.sql.GtidPosition;
import io.understudy.checks.sql.ReplicationCatchUp;
import io.understudy.core.config.CheckConfig;
import io.understudy.core.model.Backend;
import io.understudy.core.model.Commit;
import io.understudy.core.model.ControlCommand;
import io.understudy.core.model.ControlPlane;
import io.understudy.core.model.Origin;
import io.understudy.core.model.Server;
import io.understudy.core.session.SessionRegistry;
import io.understudy.core.session.TerminationCause;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A planned switchover of a writer-role backend from the server that has the traffic to another, with no write lost
 * or misplaced ({@code set backend <b> active-server <s> graceful [timeout <t>]}). The phases, each reported with its
 * duration in the reply and the log, the last one also in {@code show events}:
 *
 * <ol>
 *   <li><b>check</b>: the new server is a replica whose replication threads run (else refused; nothing changed);
 *   <li><b>hold</b>: new sessions wait in the backend's queue (a model command; it ends by itself after the
 *       timeout, so a switchover that dies cannot hold the traffic);
 *   <li><b>drain</b>: the old server's sessions end at their next rest, a request in flight finishing first; at the
 *       timeout the rest are closed;
 *   <li><b>catch-up</b>: the old server's committed position ({@code @@gtid_binlog_pos}) is read and the new server
 *       waits until it has applied it ({@code MASTER_GTID_WAIT}), on a thread of its own, never an event loop;
 *   <li><b>release</b>: traffic is moved to the new server (the pin), which ends the hold; the waiting sessions go
 *       there.
 * </ol>
 *
 * <p>If the catch-up fails or times out, or sessions of the old server had to be closed at the end of the drain
 * (half the budget), the hold is released and traffic stays where it was; the reply says why. The {@code timeout} is
 * the budget for drain and catch-up together, at most {@link #MAX_TIMEOUT}. The check account needs {@code SLAVE MONITOR} (or
 * {@code REPLICATION CLIENT} before MariaDB 10.5) to see the new server's replication status.
 */
final class GracefulSwitchover {
    private static final Logger LOG = LoggerFactory.getLogger("understudy.state");

    /** How often the drain looks at the old server's sessions. */
    static final long POLL_MILLIS = 5;

    /** The longest {@code timeout} accepted: the admin socket answers every command within 10 s. */
    static final Duration MAX_TIMEOUT = Duration.ofSeconds(8);

    /** How much longer than the budget the hold lasts before it ends by itself. */
    static final Duration HOLD_MARGIN = Duration.ofSeconds(5);

    private final ControlPlane control;
    private final SessionRegistry sessions;
    private final Backend backend;
    private final Server from;
    private final Server to;
    private final Duration timeout;
    private final List<String> lines = new ArrayList<>();
    private final long startNanos = System.nanoTime();

    GracefulSwitchover(
            ControlPlane control, SessionRegistry sessions, Backend backend, Server from, Server to, Duration timeout) {
        this.control = control;
        this.sessions = sessions;
        this.backend = backend;
        this.from = from;
        this.to = to;
        this.timeout = timeout;
    }

    /** Runs the phases; completes with the reply (the phases, or why it stopped and where traffic is). */
    CompletableFuture<String> run() {
        ExecutorService blocking = Executors.newSingleThreadExecutor(daemon("understudy-switchover"));
        ScheduledExecutorService timer =
                Executors.newSingleThreadScheduledExecutor(daemon("understudy-switchover-timer"));
        CheckConfig check = to.config().check();
        ReplicationCatchUp catchUp = new ReplicationCatchUp(blocking, check.user(), check.password());
        line("graceful switchover of " + backend.name() + " from " + from.name() + " to " + to.name());
        long deadline = startNanos + timeout.toNanos();
        CompletableFuture<String> reply = catchUp.requireReplicating(to.id(), to.address(), timeout)
                .thenCompose(ok -> {
                    phase("check", to.name() + " is replicating");
                    return control.apply(new ControlCommand.HoldTraffic(
                            backend, Optional.of(timeout.plus(HOLD_MARGIN)), Origin.CLI, "graceful switchover"));
                })
                .thenCompose(hold -> {
                    if (hold.refused()) {
                        throw new CompletionException(
                                new IllegalStateException(hold.refusal().orElse("refused")));
                    }
                    phase("hold", "new sessions wait in the queue");
                    return drain(timer, deadline);
                })
                .thenCompose(drained -> catchUp.position(from.id(), from.address(), left(deadline))
                        .thenCompose(pos -> catchUp.awaitApplied(to.id(), to.address(), pos, left(deadline))
                                .thenApply(took -> {
                                    phase("catch-up", to.name() + " applied " + from.name() + "'s " + show(pos));
                                    return pos;
                                })))
                .thenCompose(pos -> {
                    if (!backend.snapshot().held()) {
                        throw new CompletionException(new IllegalStateException(
                                "the hold of new sessions ran out before the catch-up ended"));
                    }
                    int waiting = backend.queue().size();
                    String why = "set backend " + backend.name() + " active-server " + to.name() + " graceful: "
                            + String.join("; ", lines.subList(1, lines.size()));
                    return control.apply(new ControlCommand.MoveTraffic(backend, Optional.of(to), Origin.CLI, why))
                            .thenApply(commit -> release(commit, waiting));
                })
                .exceptionallyCompose(e -> abort(unwrap(e)));
        reply.whenComplete((r, e) -> {
            blocking.shutdownNow();
            timer.shutdownNow();
        });
        return reply;
    }

    /**
     * Drains the old writer within half of what is left of the budget (the catch-up gets the rest), then completes
     * once it has no session left. Sessions that had to be closed at the drain's end make the switchover fail: a
     * statement cut at the proxy may still commit on the old server after its position is read, so the catch-up could
     * not be trusted.
     */
    private CompletableFuture<Void> drain(ScheduledExecutorService timer, long deadline) {
        long started = System.nanoTime();
        long drainDeadline = started + (deadline - started) / 2;
        int told = sessions.drainByServer(from, TerminationCause.KILLED_BY_ADMIN, drainDeadline, false, false);
        CompletableFuture<Void> done = new CompletableFuture<>();
        boolean[] cut = new boolean[1];
        timer.scheduleWithFixedDelay(
                () -> {
                    if (done.isDone()) {
                        return;
                    }
                    try {
                        // Sessions that were still connecting when the hold began are told too once they are up.
                        sessions.drainByServer(from, TerminationCause.KILLED_BY_ADMIN, drainDeadline, false, false);
                        long now = System.nanoTime();
                        int left = from.served();
                        if (left > 0 && now - drainDeadline >= 0 && !cut[0]) {
                            // The drain's end: close what is left here, so that the cut is known for certain.
                            cut[0] = true;
                            sessions.closeByServer(from, TerminationCause.KILLED_BY_ADMIN);
                        }
                        if (left == 0 && cut[0]) {
                            done.completeExceptionally(new IllegalStateException("sessions of " + from.name()
                                    + " were still busy after " + millis(drainDeadline - started)
                                    + " ms and were closed; what they were writing may still commit there"));
                        } else if (left == 0) {
                            phase(
                                    "drain",
                                    told + " sessions of " + from.name() + " ended in " + millis(now - started)
                                            + " ms");
                            done.complete(null);
                        } else if (now - drainDeadline > TimeUnit.SECONDS.toNanos(1)) {
                            done.completeExceptionally(
                                    new IllegalStateException(left + " sessions of " + from.name() + " did not end"));
                        }
                    } catch (RuntimeException e) {
                        done.completeExceptionally(e);
                    }
                },
                0,
                POLL_MILLIS,
                TimeUnit.MILLISECONDS);
        return done;
    }

    private String release(Commit commit, int waiting) {
        if (commit.refused()) {
            throw new CompletionException(
                    new IllegalStateException(commit.refusal().orElse("refused")));
        }
        phase(
                "release",
                "traffic on " + to.name() + ", " + waiting + " waiting sessions released; total "
                        + millis(System.nanoTime() - startNanos) + " ms");
        return String.join("\n", lines) + "\n";
    }

    /** Something failed: the hold ends, traffic stays (or goes back to) where the model has it. */
    private CompletableFuture<String> abort(Throwable e) {
        String reason = e.getMessage() == null ? e.toString() : e.getMessage();
        return control.apply(new ControlCommand.HoldTraffic(
                        backend, Optional.empty(), Origin.CLI, "graceful switchover aborted"))
                .handle((c, ignored) -> {
                    String where = backend.snapshot().first().map(Server::name).orElse("no server");
                    line("aborted after " + millis(System.nanoTime() - startNanos) + " ms: " + reason);
                    line("traffic stays on " + where);
                    LOG.warn("{}: graceful switchover to {} aborted: {}", backend.name(), to.name(), reason);
                    return String.join("\n", lines) + "\n";
                });
    }

    private void phase(String name, String what) {
        String text = name + ": " + what + " (+" + millis(System.nanoTime() - startNanos) + " ms)";
        line(text);
        LOG.info("{}: graceful switchover to {}: {}", backend.name(), to.name(), text);
    }

    private void line(String text) {
        synchronized (lines) {
            lines.add(text);
        }
    }

    private static String show(GtidPosition pos) {
        return pos.isEmpty() ? "empty position (nothing written yet)" : pos.text();
    }

    private static Duration left(long deadline) {
        return Duration.ofNanos(Math.max(TimeUnit.MILLISECONDS.toNanos(1), deadline - System.nanoTime()));
    }

    private static long millis(long nanos) {
        return nanos / 1_000_000;
    }

    private static Throwable unwrap(Throwable e) {
        Throwable t = e;
        while (t instanceof CompletionException && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }
}
