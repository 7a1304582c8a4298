package io.understudy.core.model;

import io.understudy.core.config.BackendConfig;
import io.understudy.core.config.FailoverPolicy;
import io.understudy.core.counter.TrafficCounters;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A named set of servers with its counters and current {@link BackendSnapshot}. The snapshot is replaced as a whole by
 * the control plane (the only writer) and read lock-free by every event loop.
 */
public final class Backend {
    private final BackendConfig config;
    private final List<Server> servers;
    private final BalanceStrategy strategy;
    private final TrafficCounters counters = new TrafficCounters();
    private final PendingQueue queue = new PendingQueue(this::snapshot);

    /** Written only by the control plane's thread. */
    private volatile BackendSnapshot snapshot;

    public Backend(BackendConfig config, long nowMillis) {
        this.config = config;
        List<Server> list = new ArrayList<>();
        config.servers().forEach(sc -> list.add(new Server(config.name(), sc, nowMillis, queue)));
        this.servers = Collections.unmodifiableList(list);
        this.strategy = BalanceStrategy.of(config.balance());
        BackendSnapshot first = routing(0, Optional.empty());
        this.snapshot = first.withBookkeeping(
                nowMillis, Downtime.initial(first.noServerAvailable(), nowMillis), 0, 0, Set.copyOf(first.targets()));
    }

    public String name() {
        return config.name();
    }

    public BackendConfig config() {
        return config;
    }

    /** All servers in declaration order. */
    public List<Server> servers() {
        return servers;
    }

    public Optional<Server> server(String name) {
        return servers.stream().filter(s -> s.name().equals(name)).findFirst();
    }

    public TrafficCounters counters() {
        return counters;
    }

    /** The sessions waiting for a slot on one of this backend's servers. */
    public PendingQueue queue() {
        return queue;
    }

    public BackendSnapshot snapshot() {
        return snapshot;
    }

    /**
     * Recomputes and publishes the snapshot from the servers' current states, with its bookkeeping; the commit calls
     * it once per backend it touched. {@code operatorPin} present is an operator's choice (a server, or empty for the
     * normal order); absent keeps the current pin while it is usable. With {@code failback = manual}, once traffic has
     * gone to a backup that backup is pinned, so a primary coming back does not take the traffic without an operator.
     */
    BackendSnapshot republish(long generation, Optional<Optional<Server>> operatorPin, long nowMillis, long nowNanos) {
        BackendSnapshot before = snapshot;
        Optional<Server> pin =
                operatorPin.orElse(before.pinned()).filter(s -> s.state().usable());
        if (operatorPin.isEmpty() && pin.isEmpty() && config.failover().failback() == FailoverPolicy.Failback.MANUAL) {
            BackendSnapshot plain = routing(generation, Optional.empty());
            pin = plain.runningOnBackup() ? plain.first() : Optional.empty();
        }
        BackendSnapshot next = routing(generation, pin);
        boolean outageFlipped = before.noServerAvailable() != next.noServerAvailable();
        long lastChange = outageFlipped ? nowMillis : before.lastChangeMillis();
        Downtime downtime = before.downtime().went(next.noServerAvailable(), nowMillis);
        // A failover: new sessions now go to servers they were not going to before. Losing the last server is an
        // outage, not a failover; what comes back after one is compared with what had the traffic before it.
        List<Server> now = next.targets();
        long failovers = before.failovers();
        long lastFailover = before.lastFailoverNanos();
        Set<Server> lastTraffic = before.lastTraffic();
        if (!now.isEmpty()) {
            if (!lastTraffic.isEmpty() && !lastTraffic.containsAll(now)) {
                failovers++;
                lastFailover = nowNanos;
            }
            lastTraffic = Set.copyOf(now);
        }
        snapshot = next.withBookkeeping(lastChange, downtime, failovers, lastFailover, lastTraffic);
        // Servers may have become usable, or traffic moved: waiting sessions may go now.
        queue.drain();
        return snapshot;
    }

    /** Where new sessions may go, from the servers' published states; the bookkeeping is left for the caller. */
    private BackendSnapshot routing(long generation, Optional<Server> pinned) {
        List<Server> active = new ArrayList<>();
        List<Server> backup = new ArrayList<>();
        for (Server s : servers) {
            if (s.state().usable()) {
                (s.isBackup() ? backup : active).add(s);
            }
        }
        return new BackendSnapshot(
                generation,
                active,
                backup,
                pinned.filter(s -> s.state().usable()),
                0,
                Downtime.initial(false, 0),
                0,
                0,
                Set.of(),
                config.writerRole(),
                config.allBackups(),
                strategy);
    }
}
