package io.understudy.core.model;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A session's place on a server, taken when the server is chosen (before connecting) so that {@code maxconn} holds and
 * {@code leastconn} sees connects in flight. Given back exactly once, whoever calls {@link #release()} first.
 */
public final class Slot {
    private final Server server;
    private final long generation;
    private final AtomicBoolean released = new AtomicBoolean();

    Slot(Server server, long generation) {
        this.server = server;
        this.generation = generation;
    }

    public Server server() {
        return server;
    }

    /** The generation of the backend snapshot that chose this server. */
    public long generation() {
        return generation;
    }

    /** Gives the slot back; later calls do nothing. */
    public void release() {
        if (released.compareAndSet(false, true)) {
            server.releaseSlot();
        }
    }

    public boolean released() {
        return released.get();
    }
}
