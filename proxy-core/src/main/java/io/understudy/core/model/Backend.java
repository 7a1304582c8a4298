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
 * A named set of servers with its balance strategy, counters and current {@link BackendSnapshot}. The snapshot is
 * replaced as a whole by the control plane (the only writer) and read lock-free by every event loop.
 */
public final class Backend {
    private final BackendConfig config;
    private final List<Server> servers;
    private final BalanceStrategy strategy;
    private final TrafficCounters counters = new TrafficCounters();

    /** Written only by the control plane's thread. */
    private volatile BackendSnapshot snapshot;

    /** Written only by the control plane's thread: when the backend last went from having a server to none or back. */
    private volatile long lastChangeMillis;

    public Backend(BackendConfig config, long nowMillis) {
        this.config = config;
        List<Server> list = new ArrayList<>();
        config.servers()
                .forEach(sc -> list.add(
                        new Server(config.name(), sc, ServerState.initial(sc.disabled(), sc.weight(), nowMillis))));
        this.servers = Collections.unmodifiableList(list);
        this.strategy = BalanceStrategy.of(config.balance());
        this.snapshot = BackendSnapshot.of(servers, Optional.empty(), 0);
        this.lastChangeMillis = nowMillis;
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

    public BackendSnapshot snapshot() {
        return snapshot;
    }

    public long lastChangeMillis() {
        return lastChangeMillis;
    }

    /**
     * Picks the server for a new session, skipping {@code excluded} (servers that already failed for it): usable active
     * servers by the balance strategy, else backups.
     */
    public Optional<Server> select(Set<Server> excluded) {
        List<Server> candidates = snapshot.candidates(excluded, config.allBackups());
        if (candidates.isEmpty()) {
            return Optional.empty();
        }
        Server chosen = strategy.pick(candidates);
        chosen.counters().selected();
        return Optional.of(chosen);
    }

    /**
     * Recomputes the snapshot from the servers' states. With {@code failback = manual}, once traffic has gone to a
     * backup that backup is pinned: it keeps the traffic when active servers come back, until it stops being usable or
     * an operator moves traffic ({@link #republish(long, Optional)}). Control plane only.
     */
    public BackendSnapshot republish(long nowMillis) {
        BackendSnapshot before = snapshot;
        Optional<Server> pin = before.pinned().filter(s -> s.state().usable());
        if (config.failover().failback() == FailoverPolicy.Failback.MANUAL && pin.isEmpty()) {
            // Not pinned (or the pinned server just failed): pin whatever takes traffic now if it is a backup, so a
            // primary coming back later does not take the traffic without an operator.
            BackendSnapshot plain = BackendSnapshot.of(servers, Optional.empty(), before.version());
            pin = plain.runningOnBackup() ? plain.first(config.allBackups()) : Optional.empty();
        }
        return publish(BackendSnapshot.of(servers, pin, before.version() + 1), before, nowMillis);
    }

    /**
     * Recomputes the snapshot with an operator's choice: {@code pin} present makes that (usable) server take all new
     * sessions; empty clears any pin so the normal order applies again. Control plane only.
     */
    public BackendSnapshot republish(long nowMillis, Optional<Server> pin) {
        BackendSnapshot before = snapshot;
        return publish(BackendSnapshot.of(servers, pin, before.version() + 1), before, nowMillis);
    }

    private BackendSnapshot publish(BackendSnapshot after, BackendSnapshot before, long nowMillis) {
        if (before.noServerAvailable() != after.noServerAvailable()) {
            lastChangeMillis = nowMillis;
        }
        snapshot = after;
        return after;
    }
}
