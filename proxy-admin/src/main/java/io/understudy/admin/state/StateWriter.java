package io.understudy.admin.state;

import io.understudy.core.model.AdminState;
import io.understudy.core.model.AdminState.Note;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes snapshots to the state file on its own thread, latest wins: {@link #submit} only swaps a reference, so the
 * control plane's thread never waits for a disk; a burst of submissions within the coalescing delay (or while a write
 * is under way) becomes one write, and the last snapshot submitted is always written. A failed write is retried every
 * {@link #RETRY} until one succeeds or a newer snapshot replaces it.
 */
final class StateWriter implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(StateWriter.class);

    /** How long after a failed write (full disk, read-only mount) the same snapshot is tried again. */
    static final Duration RETRY = Duration.ofSeconds(5);

    private static final long FLUSH_TIMEOUT_SECONDS = 30;

    /** What to write: the snapshot and the comment line about the change that produced it. */
    record Pending(AdminState state, Note lastChange) {}

    private final StateFile file;
    private final long coalesceNanos;
    private final ScheduledExecutorService thread;
    private final AtomicReference<Pending> pending = new AtomicReference<>();
    private final AtomicBoolean scheduled = new AtomicBoolean();
    private final AtomicLong writes = new AtomicLong();

    /** Touched only on the writer thread: how many writes in a row failed, to warn once and say when it recovers. */
    private int failuresInARow;

    StateWriter(StateFile file, Duration coalesce) {
        this.file = file;
        this.coalesceNanos = coalesce.toNanos();
        ScheduledThreadPoolExecutor ex = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "understudy-state-writer");
            t.setDaemon(true);
            return t;
        });
        // A shutdown must not wait out a pending retry: close() has already written what it could.
        ex.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        this.thread = ex;
    }

    /** Queues {@code next} to be written; replaces anything queued and not yet written. Any thread, never blocks. */
    void submit(AdminState next, Note lastChange) {
        pending.set(new Pending(next, lastChange));
        schedule(coalesceNanos);
    }

    private void schedule(long delayNanos) {
        if (scheduled.compareAndSet(false, true)) {
            try {
                thread.schedule(this::drain, delayNanos, TimeUnit.NANOSECONDS);
            } catch (RejectedExecutionException e) {
                scheduled.set(false);
                LOG.warn("state file {}: change after shutdown not written", file.path());
            }
        }
    }

    /** Writer thread: writes the latest snapshot, if there is one. */
    private void drain() {
        // Cleared before taking the snapshot: a submit racing with this write schedules another drain, so it is not
        // lost.
        scheduled.set(false);
        Pending p = pending.getAndSet(null);
        if (p == null) {
            return;
        }
        try {
            file.write(p.state(), p.lastChange());
            writes.incrementAndGet();
            if (failuresInARow > 0) {
                LOG.warn("state file {} written again after {} failed attempt(s)", file.path(), failuresInARow);
                failuresInARow = 0;
            }
        } catch (IOException | RuntimeException e) {
            if (failuresInARow++ == 0) {
                LOG.warn(
                        "state file {}: cannot write ({}); admin state would be lost on restart; retrying every {}s",
                        file.path(),
                        e.toString(),
                        RETRY.toSeconds());
            }
            // Retry this snapshot unless a newer one already arrived (that one will be written instead).
            pending.compareAndSet(null, p);
            schedule(RETRY.toNanos());
        }
    }

    /**
     * Writes whatever is queued now and returns when it is on disk (or failed: see the log). For tests and shutdown.
     *
     * @return whether nothing is left unwritten
     */
    boolean flush() {
        try {
            thread.submit(this::drain).get(FLUSH_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (RejectedExecutionException e) {
            return pending.get() == null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            LOG.warn("state file {}: flush did not complete: {}", file.path(), e.toString());
        }
        return pending.get() == null;
    }

    /** Successful writes so far (tests check that bursts coalesce). */
    long writes() {
        return writes.get();
    }

    StateFile file() {
        return file;
    }

    /** Writes what is queued, then stops the thread. */
    @Override
    public void close() {
        if (!flush()) {
            LOG.warn("state file {}: the last admin change could not be written before shutdown", file.path());
        }
        thread.shutdown();
        try {
            thread.awaitTermination(FLUSH_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
