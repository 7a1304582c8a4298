package io.understudy.core.model;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * The last events of the model, for {@code show events}: a ring that the control plane's thread appends to and any
 * thread reads. Small and rarely written, so a lock is cheaper than anything cleverer.
 */
final class EventLog {
    /** How many events are kept. */
    static final int DEFAULT_CAPACITY = 1_000;

    private final int capacity;
    private final ArrayDeque<ModelEvent> ring;

    EventLog(int capacity) {
        this.capacity = capacity;
        this.ring = new ArrayDeque<>(capacity);
    }

    synchronized void add(ModelEvent e) {
        if (ring.size() == capacity) {
            ring.removeFirst();
        }
        ring.addLast(e);
    }

    /** The last {@code n} events, oldest first. */
    synchronized List<ModelEvent> last(int n) {
        List<ModelEvent> all = new ArrayList<>(ring);
        return List.copyOf(all.subList(Math.max(0, all.size() - Math.max(0, n)), all.size()));
    }
}
