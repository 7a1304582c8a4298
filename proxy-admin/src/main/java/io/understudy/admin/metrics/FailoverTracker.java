package io.understudy.admin.metrics;

import io.understudy.core.model.Backend;
import io.understudy.core.model.ControlObserver;
import io.understudy.core.model.ControlPlane;
import io.understudy.core.model.Server;
import io.understudy.core.model.ServerTransition;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Counts the failovers of every backend and remembers when the last one happened, by watching the control plane's
 * published snapshots.
 *
 * <p>A failover is the moment new sessions of a backend start going to a server they were not going to before: to a
 * backup when the active server is marked down or put in maintenance, back to the active server (failback), or wherever
 * an operator moves the traffic. A backend losing its last usable server is an outage, not a failover; the next server
 * to take traffic counts as one only when it differs from the servers that had it before the outage.
 */
final class FailoverTracker implements ControlObserver {
    private final Map<String, PerBackend> backends = new HashMap<>();

    /** The servers taking traffic now are the starting point. */
    private FailoverTracker(List<Backend> all) {
        for (Backend b : all) {
            backends.put(b.name(), new PerBackend(b.config().allBackups(), candidates(b)));
        }
    }

    /**
     * Creates a tracker for every backend of {@code control} and registers it, both on the control plane's thread, so
     * no transition falls between reading where traffic goes and listening.
     */
    static FailoverTracker attach(ControlPlane control) {
        AtomicReference<FailoverTracker> made = new AtomicReference<>();
        control.submit(() -> {
                    FailoverTracker t = new FailoverTracker(control.backends());
                    control.addObserver(t);
                    made.set(t);
                })
                .join();
        return made.get();
    }

    /** Failovers of {@code backend} since the tracker started. */
    long failovers(String backend) {
        PerBackend p = backends.get(backend);
        return p == null ? 0 : p.count.get();
    }

    /** {@link System#nanoTime()} of the last failover of {@code backend}, or empty before the first. */
    OptionalLong lastFailoverNanos(String backend) {
        PerBackend p = backends.get(backend);
        return p == null || p.count.get() == 0 ? OptionalLong.empty() : OptionalLong.of(p.lastNanos);
    }

    /** Control plane's thread: compares the servers new sessions go to now with those they went to before. */
    @Override
    public void onTransition(ServerTransition t) {
        PerBackend p = backends.get(t.server().backendName());
        if (p == null) {
            return;
        }
        List<Server> now = t.snapshot().candidates(Set.of(), p.allBackups);
        if (now.isEmpty()) {
            // Keep the servers that had traffic before the outage: what comes back is compared with them.
            return;
        }
        if (!p.lastTraffic.isEmpty() && !p.lastTraffic.containsAll(now)) {
            // The time first, so a reader that sees the new count never pairs it with the previous time.
            p.lastNanos = t.atNanos();
            p.count.incrementAndGet();
        }
        p.lastTraffic = Set.copyOf(now);
    }

    private static Set<Server> candidates(Backend b) {
        return Set.copyOf(b.snapshot().candidates(Set.of(), b.config().allBackups()));
    }

    /** One backend's tally; written on the control plane's thread only. */
    private static final class PerBackend {
        final boolean allBackups;
        final AtomicLong count = new AtomicLong();
        volatile long lastNanos;
        Set<Server> lastTraffic;

        PerBackend(boolean allBackups, Set<Server> lastTraffic) {
            this.allBackups = allBackups;
            this.lastTraffic = lastTraffic;
        }
    }
}
