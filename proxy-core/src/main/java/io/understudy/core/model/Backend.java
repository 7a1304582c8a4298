package io.understudy.core.model;

import io.understudy.core.config.BackendConfig;
import io.understudy.core.config.FailoverPolicy;
import io.understudy.core.config.ServerConfig;
import io.understudy.core.counter.TrafficCounters;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/**
 * A named set of servers with its counters and current {@link BackendSnapshot}. The snapshot is replaced as a whole by
 * the control plane (the only writer) and read lock-free by every event loop.
 */
public final class Backend {
    /** Replaced by the control plane on a reload; read from anywhere, once per use. */
    private volatile BackendConfig config;
    /** Replaced as a whole by the control plane ({@code add server}, {@code del server}); read from anywhere. */
    private volatile List<Server> servers;
    /**
     * Servers a reload removed from the config while they still had sessions: in maintenance, deleted by the control
     * plane once their sessions have ended. Control plane's thread only.
     */
    private final Set<Server> leaving = java.util.concurrent.ConcurrentHashMap.newKeySet();

    private final BalanceStrategy strategy;
    private final TrafficCounters counters = new TrafficCounters();
    private final PendingQueue queue = new PendingQueue(this::snapshot);

    /** Written only by the control plane's thread. */
    private volatile BackendSnapshot snapshot;

    public Backend(BackendConfig config, long nowMillis) {
        this.config = config;
        List<Server> list = new ArrayList<>();
        config.servers().forEach(sc -> list.add(newServer(sc, nowMillis)));
        this.servers = Collections.unmodifiableList(list);
        this.strategy = BalanceStrategy.of(config.balance());
        BackendSnapshot first = routing(0, Optional.empty(), nowMillis, Set.of());
        this.snapshot = first.withBookkeeping(
                nowMillis,
                Downtime.initial(first.noServerAvailable(), nowMillis),
                0,
                0,
                Set.copyOf(first.targets()),
                0);
    }

    public String name() {
        return config.name();
    }

    public BackendConfig config() {
        return config;
    }

    /** All servers: the config's in declaration order, then those added at runtime. */
    public List<Server> servers() {
        return servers;
    }

    /**
     * A new server of this backend, not yet one of its {@link #servers()}: the control plane sets its first state, then
     * {@link #add}s it.
     */
    Server newServer(ServerConfig config, long nowMillis) {
        return new Server(this.config.name(), config, nowMillis, queue, this.config.greetingTimeout());
    }

    /** The lowest server id no server of this backend has (HAProxy numbers a dynamic server so). */
    int freeServerId() {
        java.util.Set<Integer> used = new java.util.HashSet<>();
        servers.forEach(s -> used.add(s.config().id()));
        int id = 1;
        while (used.contains(id)) {
            id++;
        }
        return id;
    }

    /** Control plane's thread: a reload's settings apply to the sessions that start from now on. */
    void reconfigure(BackendConfig next) {
        if (next.balance() != config.balance()) {
            throw new IllegalArgumentException("balance is fixed until a restart: " + config.balance());
        }
        config = next;
    }

    /** Control plane's thread: the same servers (a reload may add some), in the order the config now gives. */
    void replaceServers(List<Server> next) {
        servers = List.copyOf(next);
    }

    /** Whether a reload removed {@code s} from the config and it is waiting for its sessions to end. */
    public boolean leaving(Server s) {
        return leaving.contains(s);
    }

    /** Control plane's thread: a reload removed {@code s}, which still has sessions. */
    void markLeaving(Server s) {
        leaving.add(s);
    }

    /** Control plane's thread: the servers waiting to leave. */
    Set<Server> leavingServers() {
        return Set.copyOf(leaving);
    }

    /** Control plane's thread: {@code s} joins the servers; the next republish may route to it. */
    void add(Server s) {
        List<Server> next = new ArrayList<>(servers);
        next.add(s);
        servers = Collections.unmodifiableList(next);
    }

    /**
     * What deleted servers had counted, kept so that the backend's sums ({@code connect}, {@code lbtot}) never go
     * backwards: Prometheus would read a drop as a counter reset.
     */
    private final java.util.concurrent.atomic.AtomicLong retiredConnects = new java.util.concurrent.atomic.AtomicLong();

    private final java.util.concurrent.atomic.AtomicLong retiredSelected = new java.util.concurrent.atomic.AtomicLong();

    /** Connect attempts of servers deleted since start (or since {@code clear counters all}). */
    public long retiredConnectAttempts() {
        return retiredConnects.get();
    }

    /** Times the balancer picked a server deleted since start (or since {@code clear counters all}). */
    public long retiredSelected() {
        return retiredSelected.get();
    }

    /** {@code clear counters all}. */
    public void clearRetired() {
        retiredConnects.set(0);
        retiredSelected.set(0);
    }

    /** Control plane's thread: {@code s} leaves the servers; the next republish stops routing to it. */
    void remove(Server s) {
        retiredConnects.addAndGet(s.counters().connectAttempts());
        retiredSelected.addAndGet(s.counters().selectedTotal());
        leaving.remove(s);
        List<Server> next = new ArrayList<>(servers);
        next.remove(s);
        servers = Collections.unmodifiableList(next);
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
     * {@code hold} present sets (or, 0, ends) a hold of new sessions; absent keeps the current one.
     */
    BackendSnapshot republish(
            long generation, Optional<Optional<Server>> operatorPin, OptionalLong hold, long nowMillis, long nowNanos) {
        BackendSnapshot before = snapshot;
        List<Server> members = servers;
        Optional<Server> pin =
                operatorPin.orElse(before.pinned()).filter(s -> s.state().usable() && members.contains(s));
        if (operatorPin.isEmpty() && pin.isEmpty() && config.failover().failback() == FailoverPolicy.Failback.MANUAL) {
            BackendSnapshot plain = routing(generation, Optional.empty(), nowMillis, before.lastTraffic());
            pin = plain.runningOnBackup() ? plain.first() : Optional.empty();
        }
        BackendSnapshot next = routing(generation, pin, nowMillis, before.lastTraffic());
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
        // A writer that changes server waits for the old one's sessions, up to timeout drain (see select).
        long drainUntil = before.drainUntilNanos();
        Optional<Server> from = before.first();
        if (next.writer() && from.isPresent() && !next.first().isEmpty() && !from.equals(next.first())) {
            drainUntil = nowNanos + Math.max(1, config.failover().drainTimeout().toNanos());
        }
        snapshot = next.withBookkeeping(lastChange, downtime, failovers, lastFailover, lastTraffic, drainUntil)
                .withHold(hold.orElse(before.holdUntilNanos()));
        // Servers may have become usable, or traffic moved: waiting sessions may go now.
        queue.drain();
        return snapshot;
    }

    /**
     * Whether the routing the servers' states give now differs from the published one: a server's {@code
     * failback-delay} ran out since the last commit.
     */
    boolean routingChanged(long nowMillis) {
        BackendSnapshot now = snapshot;
        return !routing(now.generation(), now.pinned(), nowMillis, now.lastTraffic())
                .targets()
                .equals(now.targets());
    }

    /**
     * When the next active server that checks brought back will have waited out its {@code failback-delay}, if one
     * is waiting: the control plane looks at the backend again then.
     */
    OptionalLong nextFailbackMillis(long nowMillis) {
        OptionalLong next = OptionalLong.empty();
        for (Server s : servers) {
            if (s.state().usable() && settling(s, nowMillis, snapshot.lastTraffic())) {
                long at = s.state().settledSinceMillis()
                        + config.failover().failbackDelay().toMillis();
                if (next.isEmpty() || at < next.getAsLong()) {
                    next = OptionalLong.of(at);
                }
            }
        }
        return next;
    }

    /**
     * Writer role, {@code failback = auto}: an active server that health checks brought back up while the traffic was
     * elsewhere takes it back only once it has stayed up, passing every check, for {@code failback-delay}. A stuttering server (up for a
     * moment between stalls) thus never pulls the writes back and forth; an operator's {@code enable server} is not
     * delayed.
     */
    private boolean settling(Server s, long nowMillis, Set<Server> lastTraffic) {
        long delay = config.failover().failbackDelay().toMillis();
        ServerState st = s.state();
        return delay > 0
                && config.writerRole()
                && !s.isBackup()
                && !lastTraffic.isEmpty()
                && !lastTraffic.contains(s)
                && st.reason().cause() == Reason.Cause.CHECK
                && nowMillis - st.settledSinceMillis() < delay;
    }

    /** Where new sessions may go, from the servers' published states; the bookkeeping is left for the caller. */
    private BackendSnapshot routing(long generation, Optional<Server> pinned, long nowMillis, Set<Server> lastTraffic) {
        List<Server> active = new ArrayList<>();
        List<Server> backup = new ArrayList<>();
        List<Server> settling = new ArrayList<>();
        for (Server s : servers) {
            if (s.state().usable()) {
                if (settling(s, nowMillis, lastTraffic)) {
                    settling.add(s);
                } else {
                    (s.isBackup() ? backup : active).add(s);
                }
            }
        }
        if (active.isEmpty() && backup.isEmpty()) {
            // Better a server that is still settling than none at all.
            active.addAll(settling);
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
                strategy,
                0,
                servers,
                0);
    }
}
