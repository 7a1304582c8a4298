package io.understudy.core.model;

import java.util.Iterator;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * A backend's queue: the sessions waiting for a slot because every server they may go to is at its {@code maxconn},
 * served in arrival order as slots come free (HAProxy's {@code pendconn} on the backend). Any thread may enqueue,
 * cancel, or free a slot; handing slots out is serialised without a lock (one thread drains at a time, and a drain
 * asked for while one runs makes that one go round again).
 */
public final class PendingQueue {
    private final Supplier<BackendSnapshot> snapshot;
    private final ConcurrentLinkedQueue<Pending> waiting = new ConcurrentLinkedQueue<>();
    private final AtomicInteger size = new AtomicInteger();
    private final AtomicInteger max = new AtomicInteger();
    private final AtomicInteger drains = new AtomicInteger();

    PendingQueue(Supplier<BackendSnapshot> snapshot) {
        this.snapshot = snapshot;
    }

    /** Sessions waiting now ({@code qcur}). */
    public int size() {
        return size.get();
    }

    /** The most that ever waited at once ({@code qmax}), since start or {@link #clearMax}. */
    public int max() {
        return max.get();
    }

    /** Forgets the maximum ({@code clear counters}). */
    public void clearMax() {
        max.set(0);
    }

    /**
     * Takes a slot at once if nobody is waiting and one is free; otherwise queues the request behind those already
     * waiting. The slot arrives through {@code onSlot}, run on {@code executor} (the session's event loop); the returned
     * handle cancels the wait.
     *
     * @param excluded servers that already failed for this session
     */
    public Pending acquire(Set<Server> excluded, Executor executor, Consumer<Slot> onSlot) {
        Pending p = new Pending(excluded, executor, onSlot);
        // Counted before it can be served, so qcur never reads below zero.
        max.accumulateAndGet(size.incrementAndGet(), Math::max);
        waiting.add(p);
        drain();
        return p;
    }

    /**
     * Hands free slots to the waiting sessions, oldest first. A session that cannot use any free slot (every free one
     * is on a server that already failed for it) does not hold up those behind it. Any thread.
     */
    void drain() {
        // Every session end frees a slot: nothing to do when nobody waits (a waiter counts itself before it joins,
        // and drains after joining, so none is missed).
        if (size.get() == 0) {
            return;
        }
        if (drains.getAndIncrement() != 0) {
            return;
        }
        do {
            for (Iterator<Pending> it = waiting.iterator(); it.hasNext(); ) {
                Pending p = it.next();
                if (p.state.get() != Pending.WAITING) {
                    it.remove();
                    continue;
                }
                Optional<Slot> slot = snapshot.get().select(p.excluded);
                if (slot.isEmpty()) {
                    if (p.excluded.isEmpty()) {
                        break; // no slot for anyone: those behind wait too
                    }
                    continue;
                }
                it.remove();
                if (!p.serve(slot.get())) {
                    // Cancelled meanwhile: the slot goes back, and this loop (asked again) goes round.
                    slot.get().release();
                }
            }
        } while (drains.decrementAndGet() != 0);
    }

    /** One session waiting for a slot. */
    public final class Pending {
        static final int WAITING = 0;
        static final int SERVED = 1;
        static final int CANCELLED = 2;

        private final Set<Server> excluded;
        private final Executor executor;
        private final Consumer<Slot> onSlot;
        private final AtomicInteger state = new AtomicInteger(WAITING);

        private Pending(Set<Server> excluded, Executor executor, Consumer<Slot> onSlot) {
            this.excluded = Set.copyOf(excluded);
            this.executor = executor;
            this.onSlot = onSlot;
        }

        /** Whether it is still waiting (neither served nor cancelled). */
        public boolean waiting() {
            return state.get() == WAITING;
        }

        /** Stops waiting; true if this call did it (the session then gets no slot from the queue). Any thread. */
        public boolean cancel() {
            if (state.compareAndSet(WAITING, CANCELLED)) {
                size.decrementAndGet();
                waiting.remove(this);
                // Whoever waited behind it may go now.
                drain();
                return true;
            }
            return false;
        }

        private boolean serve(Slot slot) {
            if (!state.compareAndSet(WAITING, SERVED)) {
                return false;
            }
            size.decrementAndGet();
            try {
                executor.execute(() -> onSlot.accept(slot));
            } catch (RejectedExecutionException e) {
                // The session's event loop is gone: nobody will use the slot.
                slot.release();
            }
            return true;
        }
    }
}
