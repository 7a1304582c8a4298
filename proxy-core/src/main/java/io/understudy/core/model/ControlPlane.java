package io.understudy.core.model;

import io.understudy.core.config.HostPort;
import io.understudy.core.config.LiveErrors;
import io.understudy.core.config.ServerConfig;
import io.understudy.core.model.AdminState.BackendAdmin;
import io.understudy.core.model.AdminState.Epoch;
import io.understudy.core.model.AdminState.Note;
import io.understudy.core.model.ControlCommand.AddServer;
import io.understudy.core.model.ControlCommand.ChangeFrontend;
import io.understudy.core.model.ControlCommand.CheckOutcome;
import io.understudy.core.model.ControlCommand.DeleteServer;
import io.understudy.core.model.ControlCommand.ForceHealth;
import io.understudy.core.model.ControlCommand.HoldTraffic;
import io.understudy.core.model.ControlCommand.ImportAdminState;
import io.understudy.core.model.ControlCommand.MoveTraffic;
import io.understudy.core.model.ControlCommand.Outrank;
import io.understudy.core.model.ControlCommand.PassiveFailure;
import io.understudy.core.model.ControlCommand.Reconsider;
import io.understudy.core.model.ControlCommand.SetAddress;
import io.understudy.core.model.ControlCommand.SetAdminMode;
import io.understudy.core.model.ControlCommand.SetCheckPort;
import io.understudy.core.model.ControlCommand.SetChecksEnabled;
import io.understudy.core.model.ControlCommand.SetConnRateLimit;
import io.understudy.core.model.ControlCommand.SetFrontendMaxconn;
import io.understudy.core.model.ControlCommand.SetGlobalMaxconn;
import io.understudy.core.model.ControlCommand.SetMaxconn;
import io.understudy.core.model.ControlCommand.SetPairRole;
import io.understudy.core.model.ControlCommand.SetWeight;
import io.understudy.core.model.ModelEvent.FrontendChanged;
import io.understudy.core.model.ModelEvent.LimitsChanged;
import io.understudy.core.model.ModelEvent.ServerAdded;
import io.understudy.core.model.ModelEvent.ServerChanged;
import io.understudy.core.model.ModelEvent.ServerRemoved;
import io.understudy.core.model.ModelEvent.TrafficMoved;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The single writer of the runtime model. {@link #apply} is the only way to change it: commands are queued to one
 * thread, which works out the new server states and backend snapshots, publishes them in one commit (with every piece of
 * bookkeeping: down transitions, downtime, last change, failovers, the operators' decisions), numbers the commit with
 * the next generation, logs it HAProxy's way, keeps it for {@code show events} and hands its events to the observers.
 * Readers never lock: they read the published immutable values.
 */
public final class ControlPlane implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ControlPlane.class);

    private final List<Backend> backends;
    private final ScheduledExecutorService writer;
    private final List<ControlObserver> observers = new CopyOnWriteArrayList<>();
    private final TransitionLog transitionLog;
    private final SessionCount sessionCount;
    private final EventLog eventLog = new EventLog(EventLog.DEFAULT_CAPACITY);

    /** Written on the writer thread only. */
    private volatile long generation;

    /** The operators' decisions as of the last commit; written on the writer thread only. */
    private volatile AdminState admin = AdminState.EMPTY;

    /** Each frontend's runtime state, by name; replaced as a whole on the writer thread. */
    private volatile Map<String, FrontendState> frontends = Map.of();

    /** The configuration in force, once one was declared or reloaded; written on the writer thread only. */
    private volatile Optional<io.understudy.core.config.ProxyConfig> running = Optional.empty();

    /** Each frontend's maxconn from the config: what its state returns to when no decision says otherwise. */
    private Map<String, Integer> frontendBaseline = Map.of();

    /** The process-wide limits; written on the writer thread only. */
    private volatile ProcessLimits limits = ProcessLimits.NONE;

    /** This proxy's name in its pair: the {@code by} of the epochs it gives. */
    private final String localName;

    /** What keepalived last said this proxy is; written on the writer thread only. */
    private volatile PairRole role;

    /** The epoch this proxy's decisions were last numbered from (NONE until it numbers one); writer thread only. */
    private Epoch parent = Epoch.NONE;

    /**
     * The decisions with the epoch they were numbered from, as one value: what the pair's link sends.
     *
     * @param state the decisions in force
     * @param parent the epoch they were numbered from ({@link Epoch#NONE} when unknown)
     */
    public record SharedState(AdminState state, Epoch parent) {}

    private volatile SharedState shared = new SharedState(AdminState.EMPTY, Epoch.NONE);

    /** How many sessions a server has, for the transition log; supplied by whoever owns the session registry. */
    @FunctionalInterface
    public interface SessionCount {
        int of(Server server);
    }

    /** A proxy without a pair: it decides alone. */
    public ControlPlane(List<Backend> backends, SessionCount sessionCount) {
        this(backends, sessionCount, "local", PairRole.ALONE);
    }

    /**
     * @param localName this proxy's name in its pair, which the epochs of its decisions carry
     * @param role {@link PairRole#ALONE} without a pair, else {@link PairRole#UNKNOWN} until keepalived tells
     */
    public ControlPlane(List<Backend> backends, SessionCount sessionCount, String localName, PairRole role) {
        this.localName = Objects.requireNonNull(localName, "localName");
        this.role = Objects.requireNonNull(role, "role");
        this.backends = List.copyOf(backends);
        this.transitionLog = new TransitionLog(sessionCount);
        this.sessionCount = sessionCount;
        ScheduledThreadPoolExecutor thread = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "understudy-control");
            t.setDaemon(true);
            return t;
        });
        // Follow-ups still waiting at close (a failback-delay, the end of a drain) are dropped, not waited for.
        thread.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        thread.setRemoveOnCancelPolicy(true);
        this.writer = thread;
    }

    public List<Backend> backends() {
        return backends;
    }

    /**
     * Names the frontends and their configured maxconn, in config order. Call once, before the first command (the
     * engine does, as it builds the model).
     */
    public void declareFrontends(Map<String, Integer> maxconnByName) {
        Map<String, FrontendState> f = new LinkedHashMap<>();
        maxconnByName.forEach((name, max) -> f.put(name, FrontendState.of(max)));
        frontendBaseline = Map.copyOf(maxconnByName);
        frontends = java.util.Collections.unmodifiableMap(f);
    }

    /** Names the configuration in force at start, which the first reload is compared with. */
    public void declareConfig(io.understudy.core.config.ProxyConfig config) {
        running = Optional.of(config);
    }

    /** The configuration in force: the one the engine was built from, or the last reload's. */
    public Optional<io.understudy.core.config.ProxyConfig> config() {
        return running;
    }

    /** A frontend's runtime state, if there is a frontend of that name. */
    public Optional<FrontendState> frontend(String name) {
        return Optional.ofNullable(frontends.get(name));
    }

    /** The process-wide limits as of the last commit. */
    public ProcessLimits limits() {
        return limits;
    }

    public Optional<Backend> backend(String name) {
        return backends.stream().filter(b -> b.name().equals(name)).findFirst();
    }

    /** The server addressed {@code backend/server} (names, or {@code #id} as {@link ServerRef} reads them). */
    public Optional<Server> server(String backendSlashServer) {
        return ServerRef.parse(backendSlashServer).flatMap(r -> r.find(backends));
    }

    /** Adds an observer told about every event from the next commit on. */
    public void addObserver(ControlObserver observer) {
        observers.add(observer);
    }

    /** The generation of the last commit: 0 at start, then one more for every commit that changed something. */
    public long generation() {
        return generation;
    }

    /** The operators' decisions as of the last commit: a versioned value, exported without waiting. */
    public AdminState adminState() {
        return admin;
    }

    /** This proxy's name in its pair. */
    public String localName() {
        return localName;
    }

    /** What keepalived last said this proxy is ({@link PairRole#ALONE} without a pair). */
    public PairRole pairRole() {
        return role;
    }

    /** The decisions and their parent epoch, read together (never a state with another state's parent). */
    public SharedState sharedState() {
        return shared;
    }

    /** The last {@code n} events, oldest first (at most {@link EventLog#DEFAULT_CAPACITY} are kept). */
    public List<ModelEvent> lastEvents(int n) {
        return eventLog.last(n);
    }

    /**
     * Applies {@code command} on the control plane's thread after every command submitted before it. The future
     * completes once the commit is published and every observer has seen its events; a refused command completes with
     * a {@link Commit} saying why. After {@link #close()} commands are refused.
     */
    public CompletableFuture<Commit> apply(ControlCommand command) {
        try {
            return CompletableFuture.supplyAsync(() -> run(command), writer);
        } catch (RejectedExecutionException e) {
            return CompletableFuture.completedFuture(Commit.refused(generation, "the control plane is stopped"));
        }
    }

    private Commit run(ControlCommand c) {
        Transaction tx = new Transaction(c.origin());
        Optional<Server> named = serverOf(c);
        if (named.isPresent() && !backendOf(named.get()).servers().contains(named.get())) {
            // A command that raced a del server (or a peer's import that deleted it): the server is gone.
            return Commit.refused(generation, NO_SUCH_SERVER);
        }
        if (c instanceof SetAdminMode m && backendOf(m.server()).leaving(m.server())) {
            return Commit.refused(
                    generation,
                    m.server().id() + " is leaving: a reload removed it from the config, and it is deleted once its"
                            + " sessions have ended");
        }
        if (c instanceof SetAdminMode m) {
            ServerState st = tx.current(m.server());
            setAdmin(tx, m.server(), m.mode().applyTo(st.admin()), Reason.of(Reason.Cause.ADMIN_MODE, m.why()));
        } else if (c instanceof SetWeight w) {
            ServerState st = tx.current(w.server());
            if (st.weight() != w.weight()) {
                String why = "weight changed from " + st.weight() + " to " + w.weight();
                tx.put(w.server(), st.withWeight(w.weight()), Reason.of(Reason.Cause.WEIGHT, why));
            }
        } else if (c instanceof ChangeFrontend f) {
            FrontendState st = frontends.get(f.frontend());
            if (st == null) {
                return Commit.refused(generation, NO_SUCH_FRONTEND);
            }
            Optional<String> refusal = frontendRefusal(st, f.action());
            if (refusal.isPresent()) {
                return Commit.refused(generation, refusal.get());
            }
            tx.frontends.put(
                    f.frontend(),
                    switch (f.action()) {
                        case DISABLE -> st.withDisabled(true);
                        case ENABLE -> st.withDisabled(false);
                        case SHUTDOWN -> st.stop();
                    });
        } else if (c instanceof SetFrontendMaxconn m) {
            FrontendState st = frontends.get(m.frontend());
            if (st == null) {
                return Commit.refused(generation, NO_SUCH_FRONTEND);
            }
            if (st.maxconn() != m.maxconn()) {
                tx.frontends.put(m.frontend(), st.withMaxconn(m.maxconn()));
            }
        } else if (c instanceof SetGlobalMaxconn m) {
            if (m.maxconn() != limits.maxconn()) {
                tx.limits = new ProcessLimits(m.maxconn(), limits.connRate());
            }
        } else if (c instanceof SetConnRateLimit r) {
            if (r.perSecond() != limits.connRate()) {
                tx.limits = new ProcessLimits(limits.maxconn(), r.perSecond());
            }
        } else if (c instanceof AddServer a) {
            Backend b = a.backend();
            if (b.server(a.name()).isPresent()) {
                return Commit.refused(generation, ADD_EXISTS);
            }
            if (b.config().server(a.name()).isPresent()) {
                // The config's server of that name was deleted: a new one under its name would read, after a restart
                // or on the peer, as the config's server back at the config's address.
                return Commit.refused(generation, configDeclares(b, a.name()));
            }
            Optional<ServerConfig> cfg = a.spec().toConfig(a.name(), b.freeServerId(), b);
            if (cfg.isEmpty()) {
                return Commit.refused(generation, noCheckToCopy(b));
            }
            addServer(tx, b, cfg.get(), Reason.of(Reason.Cause.MEMBERSHIP, "add server"));
        } else if (c instanceof DeleteServer d) {
            Server s = d.server();
            Backend b = backendOf(s);
            if (!b.servers().contains(s)) {
                return Commit.refused(generation, NO_SUCH_SERVER);
            }
            if (!tx.current(s).inMaintenance()) {
                return Commit.refused(generation, DELETE_NOT_IN_MAINTENANCE);
            }
            if (s.served() > 0 || sessionCount.of(s) > 0) {
                return Commit.refused(generation, DELETE_HAS_SESSIONS);
            }
            removeServer(tx, b, s, Reason.of(Reason.Cause.MEMBERSHIP, "del server"));
        } else if (c instanceof SetAddress a) {
            Backend b = backendOf(a.server());
            HostPort now = tx.current(a.server()).settings().address();
            if (a.origin() == Origin.DNS && !now.follows(a.server().config().address())) {
                return Commit.refused(generation, operatorAddress(a.server(), now));
            }
            boolean moves = !a.address().toString().equals(now.toString());
            if (moves && b.snapshot().writer() && a.server().served() > 0) {
                return Commit.refused(generation, writerHasSessions(a.server()));
            }
            settings(tx, a.server(), tx.current(a.server()).settings().withAddress(a.address()));
            resolution(tx, a.server());
        } else if (c instanceof SetMaxconn m) {
            settings(tx, m.server(), tx.current(m.server()).settings().withMaxconn(m.maxconn()));
        } else if (c instanceof SetCheckPort p) {
            ServerState st = tx.current(p.server());
            if (!st.check().configured()) {
                return Commit.refused(generation, p.server().id() + " has no health check configured");
            }
            settings(tx, p.server(), st.settings().withCheckPort(p.port()));
        } else if (c instanceof ForceHealth f) {
            forceHealth(tx, f);
        } else if (c instanceof SetChecksEnabled e) {
            ServerState st = tx.current(e.server());
            if (!st.check().configured()) {
                return Commit.refused(generation, e.server().id() + " has no health check configured");
            }
            if (st.check().enabled() != e.enabled()) {
                Reason why = Reason.of(Reason.Cause.CHECKS_TOGGLED, e.enabled() ? "enable health" : "disable health");
                // Turned off or back on, the server starts afresh: no doubt from before, checked at once when on.
                tx.put(
                        e.server(),
                        st.withCheck(st.check().withEnabled(e.enabled()).settled()),
                        why);
            }
        } else if (c instanceof CheckOutcome o) {
            ServerState st = tx.current(o.server());
            if (o.probed().isPresent() && !o.probed().get().equals(st.settings().checkAddress())) {
                return Commit.refused(generation, o.server().id() + ": check result for an address it no longer has");
            }
            if (!st.check().configured()) {
                return Commit.refused(generation, o.server().id() + " has no health check configured");
            }
            // A check that was already running when checks were turned off or maintenance began does not count:
            // an operator's maintenance must never mark a server down (and so close its sessions).
            if (st.check().active() && !st.inMaintenance()) {
                if (o.verdict() == CheckVerdict.FAILED && st.op().takesTraffic()) {
                    // Only an up server's failures matter (failback-delay); a down one's would only add commits.
                    tx.put(o.server(), st.withFailureAt(tx.nowMillis), Reason.of(Reason.Cause.CHECK, o.describe()));
                }
                health(tx, o.server(), st.check().afterCheck(o.verdict()), Reason.of(Reason.Cause.CHECK, o.describe()));
            }
        } else if (c instanceof PassiveFailure p) {
            ServerState st = tx.current(p.server());
            if (p.at().isPresent()
                    && !p.at().get().equals(st.settings().address().resolved())) {
                return Commit.refused(generation, p.server().id() + ": failure at an address it no longer has");
            }
            LiveErrors live = p.server().config().check().liveErrors();
            // Live errors count only while checks run and the operator has not taken the server out; at most one acts
            // between two active checks, so a burst of clients cannot take a server down alone.
            if (st.check().active()
                    && !st.inMaintenance()
                    && live.observe()
                    && !st.check().passiveCounted()) {
                st = st.withFailureAt(tx.nowMillis);
                tx.put(p.server(), st, liveTraffic(p));
                if (st.check().liveErrors() + 1 < live.errorLimit()) {
                    tx.put(p.server(), st.withCheck(st.check().afterLiveError()), liveTraffic(p));
                } else {
                    health(tx, p.server(), st.check().afterPassiveFailure(p.failure(), live.onError()), liveTraffic(p));
                }
            }
        } else if (c instanceof MoveTraffic m) {
            if (m.target().isPresent() && !tx.current(m.target().get()).usable()) {
                return Commit.refused(generation, m.target().get().id() + " is not usable");
            }
            if (!m.backend().snapshot().pinned().equals(m.target())) {
                tx.pin(m.backend(), m.target(), Reason.of(Reason.Cause.TRAFFIC_MOVE, m.why()));
            }
            if (m.backend().snapshot().holdUntilNanos() != 0) {
                tx.holds.put(m.backend(), 0L);
            }
        } else if (c instanceof HoldTraffic h) {
            if (h.hold().isPresent() && !h.backend().snapshot().writer()) {
                return Commit.refused(generation, "backend " + h.backend().name() + " has no writer role");
            }
            long until =
                    h.hold().map(d -> tx.nowNanos + Math.max(1, d.toNanos())).orElse(0L);
            if (until != 0 || h.backend().snapshot().holdUntilNanos() != 0) {
                tx.holds.put(h.backend(), until);
            }
        } else if (c instanceof ImportAdminState i) {
            if (i.ifCurrent().isPresent() && !i.ifCurrent().get().equals(admin.epoch())) {
                return Commit.refused(
                        generation,
                        "stale import from " + i.source() + ": decisions here moved from epoch "
                                + i.ifCurrent().get() + " to " + admin.epoch());
            }
            importAdmin(tx, i.state());
            Commit done = commit(tx);
            if (!admin.epoch().equals(i.state().epoch())) {
                // The same decisions under another number (a peer's state equal to ours): take its number, so both
                // proxies say the same epoch and the next decision on either side outranks it.
                admin = admin.withEpoch(i.state().epoch());
                tellAdmin(i.origin(), Note.of(Instant.now(), "epoch " + admin.epoch() + " from " + i.source()));
            }
            return done;
        } else if (c instanceof SetPairRole r) {
            setRole(r.role(), r.origin());
        } else if (c instanceof Outrank o) {
            long value = Math.max(admin.epoch().value(), o.above().value()) + 1;
            parent = admin.epoch();
            admin = admin.withEpoch(new Epoch(value, localName));
            LOG.warn("decisions kept and numbered {}: {}", admin.epoch(), o.why());
            tellAdmin(o.origin(), Note.of(Instant.now(), o.why()));
        } else if (c instanceof ControlCommand.Reload r) {
            Optional<String> refused = reload(tx, r);
            if (refused.isPresent()) {
                return Commit.refused(generation, refused.get());
            }
        } else if (c instanceof Reconsider r) {
            if (r.backend().routingChanged(tx.nowMillis)) {
                tx.touched.add(r.backend());
            } else {
                // Woken early (the wall clock moved): look again when the delay has really run out.
                scheduleFollowUps(r.backend(), r.backend().snapshot(), tx.nowMillis, tx.nowNanos);
            }
        }
        return commit(tx);
    }

    /** When each server a reload removed, and that still had sessions, is deleted anyway. Writer thread only. */
    private final Map<Server, Long> leavingDeadlines = new LinkedHashMap<>();

    private static final long LEAVING_SWEEP_MILLIS = 250;

    /**
     * A reload, checked whole before anything changes: refused (with the reason) when it would move a writer's address
     * under its sessions or bring back a server still leaving; otherwise every difference goes into {@code tx}.
     */
    private Optional<String> reload(Transaction tx, ControlCommand.Reload r) {
        io.understudy.core.config.ProxyConfig next = r.config();
        Map<Backend, io.understudy.core.config.BackendConfig> plan = new LinkedHashMap<>();
        for (io.understudy.core.config.ListenConfig l : next.listens()) {
            Optional<Backend> b = backend(l.name());
            if (b.isEmpty() || !b.get().config().balance().equals(l.backend().balance())) {
                return Optional.of(
                        "listen." + l.name() + ": only a restart can add a listen section or change" + " its balance");
            }
            plan.put(b.get(), l.backend());
        }
        if (plan.size() != backends.size()) {
            return Optional.of("only a restart can remove a listen section");
        }
        for (Map.Entry<Backend, io.understudy.core.config.BackendConfig> e : plan.entrySet()) {
            Backend b = e.getKey();
            io.understudy.core.config.BackendConfig nb = e.getValue();
            for (Server s : b.servers()) {
                Optional<ServerConfig> ns = nb.server(s.name());
                if (ns.isEmpty()) {
                    continue;
                }
                if (b.leaving(s)) {
                    return Optional.of(s.id() + " is still leaving after the last reload (it has sessions): reload"
                            + " again once it is gone (show servers state)");
                }
                if (ns.get().backup() != s.isBackup()) {
                    return Optional.of(s.id() + ": only a restart can make a server a backup or an active one");
                }
                ServerState st = tx.current(s);
                if (s.config().check().enabled()
                        && !ns.get().check().enabled()
                        && !st.op().takesTraffic()
                        && !st.inMaintenance()) {
                    return Optional.of(s.id() + " is DOWN: turning its check off would send it traffic that nothing"
                            + " has checked; put it in maintenance first (disable server)");
                }
                HostPort now = tx.current(s).settings().address();
                boolean moves = reloadedAddress(
                                now, s.config().address(), ns.get().address())
                        .filter(a -> !a.toString().equals(now.toString()))
                        .isPresent();
                if (moves && nb.writerRole() && s.served() > 0) {
                    return Optional.of(writerHasSessions(s));
                }
            }
        }
        int changed = 0;
        Reason why = Reason.of(Reason.Cause.MEMBERSHIP, "reload of " + r.source());
        for (Map.Entry<Backend, io.understudy.core.config.BackendConfig> e : plan.entrySet()) {
            changed += reloadBackend(tx, e.getKey(), e.getValue(), next.global().hardStopAfter(), why);
        }
        Map<String, Integer> baseline = new LinkedHashMap<>();
        next.listens().forEach(l -> baseline.put(l.name(), l.frontend().maxconn()));
        for (io.understudy.core.config.ListenConfig l : next.listens()) {
            String name = l.name();
            int was = frontendBaseline.getOrDefault(name, l.frontend().maxconn());
            FrontendState st = frontends.get(name);
            if (st != null && was != l.frontend().maxconn() && st.maxconn() == was) {
                // The file changed it and no operator had: the file's value applies.
                tx.frontends.put(name, st.withMaxconn(l.frontend().maxconn()));
            }
        }
        frontendBaseline = Map.copyOf(baseline);
        for (io.understudy.core.config.ListenConfig l : next.listens()) {
            running.flatMap(p -> p.listens().stream()
                            .filter(o -> o.name().equals(l.name()))
                            .findFirst())
                    .map(o -> io.understudy.core.config.SettingsDiff.describe(o.frontend(), l.frontend()))
                    .filter(d -> !d.isEmpty())
                    .ifPresent(d -> tx.settings.add(new String[] {l.name(), d}));
        }
        tx.reloaded = Optional.of(r);
        tx.reloadedObjects = changed;
        return Optional.empty();
    }

    /** One backend's part of a reload; the number of objects it changed. */
    private int reloadBackend(
            Transaction tx,
            Backend b,
            io.understudy.core.config.BackendConfig nb,
            java.time.Duration hardStopAfter,
            Reason why) {
        int changed = 0;
        io.understudy.core.config.BackendConfig ob = b.config();
        List<Server> order = new ArrayList<>();
        Set<Integer> ids = new java.util.HashSet<>();
        nb.servers().forEach(sc -> ids.add(sc.id()));
        for (ServerConfig ns : nb.servers()) {
            Optional<Server> existing = b.server(ns.name());
            if (existing.isEmpty() && ob.server(ns.name()).filter(ns::equals).isPresent()) {
                // Deleted at runtime (del server) and unchanged in the file: the operator's deletion stays.
                continue;
            }
            if (existing.isPresent()) {
                if (reloadServer(tx, b, existing.get(), ns, why)) {
                    changed++;
                }
                order.add(existing.get());
            } else {
                // Checked: down until its checks pass, so that a reload never sends traffic (a writer's) to a server
                // nothing has looked at yet.
                ServerConfig first = new ServerConfig(
                        ns.name(),
                        ns.id(),
                        ns.address(),
                        ns.backup(),
                        ns.weight(),
                        ns.maxconn(),
                        ns.disabled(),
                        ns.check().withInitialUp(false),
                        ns.sendProxy());
                Server s = b.newServer(first, tx.nowMillis);
                s.reconfigure(ns);
                order.add(s);
                tx.touched.add(b);
                tx.membership.add(new Membership(b, s, true, why));
                changed++;
            }
        }
        // Ids kept by the servers the config does not declare count as taken too, so that no two servers share one.
        Set<Integer> taken = new java.util.HashSet<>(ids);
        for (Server s : b.servers()) {
            if (nb.server(s.name()).isEmpty() && !ids.contains(s.config().id())) {
                taken.add(s.config().id());
            }
        }
        for (Server s : b.servers()) {
            if (nb.server(s.name()).isPresent()) {
                continue;
            }
            boolean fromConfig = ob.server(s.name()).isPresent() && !b.leaving(s);
            if (fromConfig) {
                // In maintenance first, idle or not, so that no session can be choosing it while it goes; the sweep
                // deletes it once it has no session (within a quarter of a second when it has none now).
                b.markLeaving(s);
                leavingDeadlines.put(s, tx.nowNanos + saturatedNanos(hardStopAfter));
                EnumSet<AdminFlag> maint = EnumSet.noneOf(AdminFlag.class);
                maint.addAll(tx.current(s).admin());
                maint.add(AdminFlag.FMAINT);
                setAdmin(
                        tx,
                        s,
                        maint,
                        Reason.of(
                                Reason.Cause.MEMBERSHIP,
                                "removed from the config by reload: deleted once its sessions end (at most "
                                        + io.understudy.core.config.DurationText.format(hardStopAfter) + ")"));
                changed++;
            }
            if (!fromConfig && !b.leaving(s)) {
                // Added at runtime with a check: it checks as the backend's checked servers now do (new credentials,
                // timings), as it would after a restart.
                changed += recheckAdded(tx, b, s, nb, why);
            }
            if (ids.contains(s.config().id())) {
                // Added at runtime (or leaving) with a sid the config now gives one of its own servers.
                ServerConfig o = s.config();
                int free = 1;
                while (taken.contains(free)) {
                    free++;
                }
                taken.add(free);
                ServerConfig renumbered = new ServerConfig(
                        o.name(),
                        free,
                        o.address(),
                        o.backup(),
                        o.weight(),
                        o.maxconn(),
                        o.disabled(),
                        o.check(),
                        o.sendProxy());
                s.reconfigure(renumbered);
                tx.reconfigured.add(new ModelEvent.ServerReconfigured(
                        0,
                        tx.origin,
                        tx.nowMillis,
                        why,
                        b,
                        s,
                        o,
                        renumbered,
                        "sid " + o.id() + " -> " + renumbered.id() + " (the config numbers its own servers first)"));
            }
            order.add(s);
        }
        b.reconfigure(nb);
        b.replaceServers(order);
        tx.touched.add(b);
        String settings = io.understudy.core.config.SettingsDiff.describe(ob, nb);
        if (!settings.isEmpty()) {
            tx.settings.add(new String[] {b.name(), settings});
            changed++;
        }
        return changed;
    }

    /**
     * One server the config still declares: the settings the file changed apply; those it did not change stay as
     * operators left them at runtime. Whether anything changed.
     */
    private boolean reloadServer(Transaction tx, Backend b, Server s, ServerConfig ns, Reason why) {
        ServerConfig os = s.config();
        if (os.equals(ns)) {
            return false;
        }
        List<String> what = new ArrayList<>();
        ServerState st = tx.current(s);
        ServerSettings set = st.settings();
        Optional<HostPort> address = reloadedAddress(set.address(), os.address(), ns.address());
        if (address.isPresent()) {
            set = set.withAddress(address.get());
            what.add("address " + os.address() + " -> " + ns.address());
        }
        if (os.maxconn() != ns.maxconn()) {
            set = set.withMaxconn(ns.maxconn());
            what.add("maxconn " + os.maxconn() + " -> " + ns.maxconn());
        }
        if (os.id() != ns.id()) {
            what.add("sid " + os.id() + " -> " + ns.id());
        }
        if (os.sendProxy() != ns.sendProxy()) {
            what.add("send-proxy " + os.sendProxy().keyword() + " -> "
                    + ns.sendProxy().keyword());
        }
        if (!os.check().equals(ns.check())) {
            what.add(
                    os.check().enabled() == ns.check().enabled()
                            ? "check settings"
                            : ns.check().enabled() ? "check on" : "check off");
        }
        s.reconfigure(ns);
        Reason reason = Reason.of(Reason.Cause.SETTINGS, "reload: " + String.join(", ", what));
        if (!set.equals(st.settings())) {
            tx.put(s, st.withSettings(set), reason);
            resolution(tx, s);
        }
        if (os.weight() != ns.weight()) {
            what.add("weight " + os.weight() + " -> " + ns.weight());
            tx.put(s, tx.current(s).withWeight(ns.weight()), Reason.of(Reason.Cause.WEIGHT, "reload: weight"));
        }
        if (os.disabled() != ns.disabled()) {
            what.add(ns.disabled() ? "disabled" : "no longer disabled");
            EnumSet<AdminFlag> flags = EnumSet.noneOf(AdminFlag.class);
            flags.addAll(tx.current(s).admin());
            Reason r = Reason.of(Reason.Cause.ADMIN_MODE, "reload: disabled = " + ns.disabled());
            if (ns.disabled()) {
                flags.add(AdminFlag.CMAINT);
                setAdmin(tx, s, flags, r);
            } else {
                flags.remove(AdminFlag.CMAINT);
                ServerState was = tx.current(s);
                ServerState next = was.withAdmin(flags, tx.nowMillis, r);
                if (ns.check().enabled() && !next.inMaintenance()) {
                    // Never checked while disabled: down until its checks pass, as a server a reload adds.
                    Health h =
                            Health.initial(false, ns.check().rise(), ns.check().fall());
                    next = next.withCheck(next.check().reconfigured(ns.check()).settledAt(h))
                            .withOp(OpState.STOPPED, tx.nowMillis, r);
                }
                tx.put(s, next, r);
            }
        }
        HealthState h = tx.current(s).check().reconfigured(ns.check());
        if (!h.equals(tx.current(s).check())) {
            health(tx, s, h, reason);
        }
        tx.reconfigured.add(new ModelEvent.ServerReconfigured(
                0, tx.origin, tx.nowMillis, why, b, s, os, ns, String.join(", ", what)));
        tx.touched.add(b);
        return true;
    }

    /**
     * A server added at runtime with a check takes the check the reloaded config gives the backend (that of its first
     * checked server); 1 when that changed its check, else 0.
     */
    private static int recheckAdded(
            Transaction tx, Backend b, Server s, io.understudy.core.config.BackendConfig nb, Reason why) {
        ServerConfig o = s.config();
        if (!o.check().enabled()) {
            return 0;
        }
        Optional<io.understudy.core.config.CheckConfig> now = nb.servers().stream()
                .map(ServerConfig::check)
                .filter(io.understudy.core.config.CheckConfig::enabled)
                .findFirst();
        if (now.isEmpty() || now.get().equals(o.check())) {
            return 0;
        }
        ServerConfig next = new ServerConfig(
                o.name(),
                o.id(),
                o.address(),
                o.backup(),
                o.weight(),
                o.maxconn(),
                o.disabled(),
                now.get(),
                o.sendProxy());
        s.reconfigure(next);
        HealthState h = tx.current(s).check().reconfigured(now.get());
        if (!h.equals(tx.current(s).check())) {
            health(tx, s, h, Reason.of(Reason.Cause.SETTINGS, "reload: check settings"));
        }
        tx.reconfigured.add(new ModelEvent.ServerReconfigured(
                0,
                tx.origin,
                tx.nowMillis,
                why,
                b,
                s,
                o,
                next,
                "check settings (the backend's, as when it was added)"));
        return 1;
    }

    /** {@code d} in nanoseconds, at most about 292 years (a {@code hard-stop-after} of 200000d must not overflow). */
    private static long saturatedNanos(java.time.Duration d) {
        return d.compareTo(java.time.Duration.ofDays(100_000)) > 0 ? Long.MAX_VALUE / 2 : d.toNanos();
    }

    /**
     * Deletes the servers a reload removed once their sessions have ended, or at {@code hard-stop-after} with their
     * sessions (the deletion closes them). Writer thread; scheduled while any is waiting.
     */
    private void sweepLeaving() {
        if (leavingDeadlines.isEmpty()) {
            return;
        }
        Transaction tx = new Transaction(Origin.RELOAD);
        for (java.util.Iterator<Map.Entry<Server, Long>> it =
                        leavingDeadlines.entrySet().iterator();
                it.hasNext(); ) {
            Map.Entry<Server, Long> e = it.next();
            Server s = e.getKey();
            Backend b = backendOf(s);
            if (!b.servers().contains(s) || !b.leaving(s)) {
                it.remove();
                continue;
            }
            boolean idle = s.served() == 0 && sessionCount.of(s) == 0;
            if (idle || tx.nowNanos - e.getValue() >= 0) {
                removeServer(
                        tx,
                        b,
                        s,
                        Reason.of(
                                Reason.Cause.MEMBERSHIP,
                                idle
                                        ? "removed from the config by reload: its sessions have ended"
                                        : "removed from the config by reload: hard-stop-after reached, its"
                                                + " sessions are closed"));
                it.remove();
            }
        }
        commit(tx);
        sweep = null;
        scheduleSweep();
    }

    private void scheduleSweep() {
        if (leavingDeadlines.isEmpty() || (sweep != null && !sweep.isDone())) {
            return;
        }
        try {
            sweep = writer.schedule(this::sweepLeaving, LEAVING_SWEEP_MILLIS, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            // Closing: the process stops, and with it every session.
        }
    }

    /** The next look at the leaving servers, if one is scheduled; writer thread only. */
    private java.util.concurrent.ScheduledFuture<?> sweep;

    static String configDeclares(Backend b, String name) {
        return "the config declares a server " + b.name() + "/" + name + " (deleted at runtime): give the new one"
                + " another name, or edit the config";
    }

    static String operatorAddress(Server s, HostPort now) {
        return s.id() + " has an address an operator set (" + now + "): DNS no longer moves it (a reload that changes"
                + " its address in the file, or a restart without that state, makes it follow "
                + s.config().address().host() + " again)";
    }

    /**
     * The address a reload gives a server now at {@code now} whose file said {@code was} and says {@code next}, or empty
     * when it keeps {@code now}. A file that names another host or port wins over everything. The same name resolved
     * again is no decision of the file's: it moves a server that follows its name (as the resolvers would), not one an
     * operator set an address on; and a name that did not resolve this time ({@code init-addr} with {@code none})
     * leaves the address DNS gave it before.
     */
    private static Optional<HostPort> reloadedAddress(HostPort now, HostPort was, HostPort next) {
        if (was.equals(next)) {
            return Optional.empty();
        }
        if (!next.follows(was)) {
            return Optional.of(next);
        }
        if (!now.follows(was) || (!next.hasAddress() && now.hasAddress())) {
            return Optional.empty();
        }
        return Optional.of(next);
    }

    /**
     * Keeps {@link AdminFlag#RMAINT} in step with the server's address: set while it has none ({@code init-addr =
     * none}), cleared once DNS or an operator gave it one.
     */
    private static void resolution(Transaction tx, Server s) {
        ServerState st = tx.current(s);
        HostPort a = st.settings().address();
        boolean none = !a.hasAddress();
        if (none == st.admin().contains(AdminFlag.RMAINT)) {
            return;
        }
        EnumSet<AdminFlag> flags = EnumSet.noneOf(AdminFlag.class);
        flags.addAll(st.admin());
        if (none) {
            flags.add(AdminFlag.RMAINT);
        } else {
            flags.remove(AdminFlag.RMAINT);
        }
        setAdmin(
                tx,
                s,
                flags,
                Reason.of(
                        Reason.Cause.RESOLUTION,
                        none
                                ? "no address: " + a.host() + " does not resolve"
                                : "address " + a.ip() + " by "
                                        + (tx.origin == Origin.DNS ? "DNS cache" : tx.origin.label())));
    }

    static String writerHasSessions(Server s) {
        return s.id() + " still has " + s.served() + " session(s) and its backend has the writer role: set it to"
                + " maint or drain and wait for them to end, so that no write lands on the old address after one on"
                + " the new";
    }

    /** The server a command is about, if it names one. */
    private static Optional<Server> serverOf(ControlCommand c) {
        Server s = null;
        if (c instanceof SetAdminMode m) {
            s = m.server();
        } else if (c instanceof SetWeight w) {
            s = w.server();
        } else if (c instanceof SetAddress a) {
            s = a.server();
        } else if (c instanceof SetMaxconn m) {
            s = m.server();
        } else if (c instanceof SetCheckPort p) {
            s = p.server();
        } else if (c instanceof ForceHealth f) {
            s = f.server();
        } else if (c instanceof SetChecksEnabled e) {
            s = e.server();
        } else if (c instanceof CheckOutcome o) {
            s = o.server();
        } else if (c instanceof PassiveFailure p) {
            s = p.server();
        } else if (c instanceof MoveTraffic m) {
            return m.target();
        }
        return Optional.ofNullable(s);
    }

    /** HAProxy's refusals of the frontend commands, word for word. */
    public static final String NO_SUCH_FRONTEND = "No such frontend.";

    private static Optional<String> frontendRefusal(FrontendState st, ControlCommand.FrontendAction action) {
        return switch (action) {
            case DISABLE -> st.stopped()
                    ? Optional.of("Frontend was previously shut down, cannot disable.")
                    : st.disabled() ? Optional.of("All sockets are already disabled.") : Optional.empty();
            case ENABLE -> st.stopped()
                    ? Optional.of("Frontend was previously shut down, cannot enable.")
                    : !st.disabled() ? Optional.of("All sockets are already enabled.") : Optional.empty();
            case SHUTDOWN -> st.stopped() ? Optional.of("Frontend was already shut down.") : Optional.empty();
        };
    }

    /** HAProxy's refusals of {@code add server} and {@code del server}, word for word. */
    public static final String ADD_EXISTS = "Already exists a server with the same name in backend.";

    public static final String NO_SUCH_SERVER = "No such server.";
    public static final String DELETE_NOT_IN_MAINTENANCE = "Only servers in maintenance mode can be deleted.";
    public static final String DELETE_HAS_SESSIONS = "Server still has connections attached to it, cannot remove it.";

    static String noCheckToCopy(Backend b) {
        return "backend " + b.name() + " checks none of its servers: there is no check for a new server to use"
                + " (add it without 'check', or configure check in the listen section)";
    }

    /**
     * A new server joins {@code b} in maintenance, as HAProxy adds one: nothing routes to it until an operator enables
     * it. Its first state is published before it joins, so nobody ever sees it otherwise.
     */
    private static Server addServer(Transaction tx, Backend b, ServerConfig cfg, Reason why) {
        Server s = b.newServer(cfg, tx.nowMillis);
        ServerState st = s.state();
        EnumSet<AdminFlag> maint = EnumSet.of(AdminFlag.FMAINT);
        // Unlike HAProxy, its checks are on from the start (they run once it leaves maintenance): a server nobody
        // remembered to 'enable health' on would never be marked down.
        ServerState first = st.withAdmin(maint, tx.nowMillis, why).withDowntime(Downtime.initial(true, tx.nowMillis));
        s.publish(first);
        b.add(s);
        tx.touched.add(b);
        tx.membership.add(new Membership(b, s, true, why));
        return s;
    }

    /**
     * What del server asks, for an import: no session, and in maintenance, so that no session can be choosing it while
     * it goes. The state file is read before any frontend listens, so there maintenance is not needed.
     */
    private boolean deletable(Transaction tx, Server s) {
        boolean idle = s.served() == 0 && sessionCount.of(s) == 0;
        return idle && (tx.current(s).inMaintenance() || tx.origin == Origin.STATE_FILE);
    }

    private static void removeServer(Transaction tx, Backend b, Server s, Reason why) {
        if (b.snapshot().pinned().filter(s::equals).isPresent()) {
            tx.pin(b, Optional.empty(), why);
        }
        b.remove(s);
        tx.next.remove(s);
        tx.reasons.remove(s);
        tx.touched.add(b);
        tx.membership.add(new Membership(b, s, false, why));
    }

    /** A server that joined or left a backend in this transaction. */
    private record Membership(Backend backend, Server server, boolean added, Reason why) {}

    private static void settings(Transaction tx, Server s, ServerSettings next) {
        ServerState st = tx.current(s);
        if (!st.settings().equals(next)) {
            tx.put(s, st.withSettings(next), Reason.of(Reason.Cause.SETTINGS, next.changesFrom(st.settings())));
        }
    }

    /** HAProxy's {@code set server health}: up and stopping fill the counter, down empties it. */
    private static void forceHealth(Transaction tx, ForceHealth f) {
        ServerState st = tx.current(f.server());
        boolean up = f.op() != OpState.STOPPED;
        ServerState next = st.withCheck(st.check().forced(up));
        Reason why = Reason.of(
                Reason.Cause.FORCED_HEALTH, "changed from " + f.origin().label().toUpperCase(Locale.ROOT));
        if (next.op() != f.op()) {
            next = next.withOp(f.op(), tx.nowMillis, why);
        }
        if (!next.equals(st)) {
            tx.put(f.server(), next, why);
        }
    }

    private static Reason liveTraffic(PassiveFailure p) {
        return Reason.of(
                Reason.Cause.LIVE_TRAFFIC,
                p.failure().kind().description() + ", info: \"live traffic: "
                        + p.failure().message() + "\"");
    }

    /** Sets a server's admin flags; leaving maintenance restarts a checked server's counter at {@code rise}. */
    private static void setAdmin(Transaction tx, Server s, Set<AdminFlag> flags, Reason why) {
        ServerState st = tx.current(s);
        if (flags.equals(st.admin())) {
            return;
        }
        ServerState next = st.withAdmin(flags, tx.nowMillis, why);
        if (st.inMaintenance() && !next.inMaintenance() && st.check().configured()) {
            // HAProxy: up, one failure from down, and checked at once (the health checker sees the event). Nothing
            // from before the maintenance is left in doubt.
            Health h = st.check().health();
            next = next.withCheck(next.check().settledAt(new Health(h.rise(), h.rise(), h.fall())));
            if (!next.op().takesTraffic()) {
                next = next.withOp(OpState.RUNNING, tx.nowMillis, why);
            }
        }
        tx.put(s, next, why);
    }

    /** Applies a new health counter, marking the server down or up when it crosses {@code rise}. */
    private static void health(Transaction tx, Server s, HealthState h, Reason why) {
        ServerState st = tx.current(s);
        ServerState next = st.withCheck(h);
        boolean wasUp = st.check().health().up();
        if (wasUp && !h.health().up()) {
            next = next.withOp(OpState.STOPPED, tx.nowMillis, why);
        } else if (h.health().up() && (!wasUp || !st.op().takesTraffic())) {
            next = next.withOp(OpState.RUNNING, tx.nowMillis, why);
        }
        tx.put(s, next, why);
    }

    private void importAdmin(Transaction tx, AdminState state) {
        importMembership(tx, state);
        importRuntime(tx, state);
        AdminImport plan = new AdminImport(state, backends, tx.keepInMaintenance);
        tx.imported = Optional.of(state);
        plan.servers.forEach((s, target) -> {
            setAdmin(tx, s, target.admin(), target.reason());
            ServerState st = tx.current(s);
            if (st.weight() != target.weight()) {
                tx.put(s, st.withWeight(target.weight()), target.reason());
            }
            st = tx.current(s);
            if (!st.settings().equals(target.settings())) {
                tx.put(s, st.withSettings(target.settings()), target.reason());
                resolution(tx, s);
            }
        });
        // Pins after the servers: whether a pinned backup is usable depends on its restored admin state.
        for (Map.Entry<Backend, BackendAdmin> e : plan.pins.entrySet()) {
            Backend b = e.getKey();
            Optional<Server> server = b.server(e.getValue().activeServer())
                    .filter(s -> tx.current(s).usable());
            plan.pinOutcome(b, e.getValue(), server);
            if (server.isPresent() && !b.snapshot().pinned().equals(server)) {
                tx.pin(
                        b,
                        server,
                        Reason.of(Reason.Cause.IMPORT, e.getValue().note().reason() + " (restored)"));
            } else if (server.isEmpty() && AdminState.pinnedBackup(b).isPresent()) {
                // Exact: the imported pin cannot hold, so the one in force goes too and the normal order applies.
                tx.pin(b, Optional.empty(), Reason.of(Reason.Cause.IMPORT, "imported pin not usable"));
            }
        }
        for (Backend b : plan.unpin) {
            tx.pin(b, Optional.empty(), Reason.of(Reason.Cause.IMPORT, "no pin in the imported state"));
        }
        tx.restored.addAll(plan.restored);
        tx.ignored.addAll(plan.ignored);
    }

    /**
     * Makes every frontend's disabled flag and maxconn, and the process limits, those of {@code state} (the config's
     * where it says nothing). A frontend shut down here stays so: a shutdown lasts until the process restarts.
     */
    private void importRuntime(Transaction tx, AdminState state) {
        frontends.forEach((name, st) -> {
            AdminState.FrontendAdmin a = state.frontends()
                    .getOrDefault(name, new AdminState.FrontendAdmin(Optional.empty(), Optional.empty()));
            int max =
                    a.maxconn().map(AdminState.Count::value).filter(v -> v >= 1).orElse(frontendBaseline.get(name));
            FrontendState next = st.withDisabled(a.disabled().isPresent()).withMaxconn(max);
            if (!next.equals(st)) {
                tx.frontends.put(name, next);
            }
            a.disabled().ifPresent(n -> tx.restored.add("frontend " + name + " disabled (" + n.describe() + ")"));
            a.maxconn()
                    .ifPresent(c -> tx.restored.add("frontend " + name + " maxconn " + c.value() + " (config: "
                            + frontendBaseline.get(name) + "; " + c.note().describe() + ")"));
        });
        state.frontends().keySet().stream()
                .filter(name -> !frontends.containsKey(name))
                .forEach(name -> tx.ignored.add("frontend " + name + ": no such frontend in the config"));
        ProcessLimits next = new ProcessLimits(
                state.process().maxconn().map(AdminState.Count::value).orElse(0),
                state.process().connRate().map(AdminState.Count::value).orElse(0));
        if (!next.equals(limits)) {
            tx.limits = next;
        }
        state.process()
                .maxconn()
                .ifPresent(c -> tx.restored.add(
                        "global maxconn " + c.value() + " (" + c.note().describe() + ")"));
        state.process()
                .connRate()
                .ifPresent(c -> tx.restored.add("global rate-limit connections " + c.value() + " ("
                        + c.note().describe() + ")"));
    }

    /**
     * Makes the servers of every backend those of {@code state}: the config's, less those it deleted, plus those it
     * added (in maintenance until the decisions that follow say otherwise). Exact, as the rest of an import: a server
     * added here that the state lacks goes, and a config server deleted here that the state keeps comes back from the
     * config. The config wins a name: an added server named like one of the config's is ignored.
     */
    private void importMembership(Transaction tx, AdminState state) {
        Reason why = Reason.of(Reason.Cause.IMPORT, "restored admin state");
        Set<String> known = new java.util.HashSet<>();
        for (Backend b : backends) {
            for (ServerConfig c : b.config().servers()) {
                String id = b.name() + "/" + c.name();
                known.add(id);
                Optional<Server> now = b.server(c.name());
                Note gone = state.deleted().get(id);
                if (gone != null && now.isPresent()) {
                    if (deletable(tx, now.get())) {
                        removeServer(tx, b, now.get(), why);
                        tx.restored.add(id + " deleted (" + gone.describe() + "; the config still declares it)");
                    } else {
                        tx.keepInMaintenance.add(now.get());
                        tx.ignored.add(id + " deleted (" + gone.describe() + "): it takes traffic or has sessions"
                                + " here, so it is put in maintenance instead (its sessions drain as after any"
                                + " move); delete it again once they have ended");
                    }
                } else if (gone == null && now.isEmpty()) {
                    Server back = b.newServer(c, tx.nowMillis);
                    b.add(back);
                    tx.touched.add(b);
                    tx.membership.add(new Membership(b, back, true, why));
                    tx.restored.add(id + " back from the config (the imported state does not delete it)");
                }
            }
            for (Server s : List.copyOf(b.servers())) {
                AdminState.Added wanted = state.added().get(s.id());
                if (b.config().server(s.name()).isEmpty()
                        && (wanted == null || !wanted.spec().equals(ServerSpec.of(s.config())))) {
                    if (deletable(tx, s)) {
                        removeServer(tx, b, s, why);
                    } else {
                        tx.keepInMaintenance.add(s);
                        tx.ignored.add(s.id() + " is not in the imported state, but it takes traffic or has sessions"
                                + " here: put in maintenance instead; delete it once its sessions have ended");
                    }
                }
            }
        }
        state.added().forEach((id, a) -> {
            Optional<ServerRef> ref = ServerRef.parse(id);
            Optional<Backend> b = ref.flatMap(r -> backend(r.backend()));
            String what =
                    id + " added at " + a.spec().address() + " (" + a.note().describe() + ")";
            if (b.isEmpty()) {
                tx.ignored.add(what + ": no such backend in the config");
            } else if (b.get().config().server(ref.get().server()).isPresent()) {
                tx.ignored.add(what + ": the config declares a server of that name, which wins");
            } else if (b.get().server(ref.get().server()).isEmpty()) {
                Optional<ServerConfig> cfg =
                        a.spec().toConfig(ref.get().server(), b.get().freeServerId(), b.get());
                if (cfg.isEmpty()) {
                    tx.ignored.add(what + ": " + noCheckToCopy(b.get()));
                } else {
                    addServer(tx, b.get(), cfg.get(), why);
                    tx.restored.add(what);
                }
            }
        });
        state.deleted().forEach((id, n) -> {
            if (!known.contains(id)) {
                tx.ignored.add(id + " deleted (" + n.describe() + "): no such server in the config");
            }
        });
    }

    /** Publishes what the transaction changed, as one generation, and tells everyone. Writer thread. */
    private Commit commit(Transaction tx) {
        Map<Server, ServerState> before = new LinkedHashMap<>();
        for (Map.Entry<Server, ServerState> e : tx.next.entrySet()) {
            ServerState was = e.getKey().state();
            if (!was.equals(e.getValue())) {
                before.put(e.getKey(), was);
            }
        }
        if (before.isEmpty()
                && tx.pins.isEmpty()
                && tx.touched.isEmpty()
                && tx.holds.isEmpty()
                && tx.membership.isEmpty()
                && tx.frontends.isEmpty()
                && tx.limits == null
                && tx.reloaded.isEmpty()) {
            return new Commit(generation, List.of(), Optional.empty(), tx.restored, tx.ignored);
        }
        long gen = generation + 1;
        Map<Backend, BackendSnapshot> snapBefore = new LinkedHashMap<>();
        for (Server s : before.keySet()) {
            Backend b = backendOf(s);
            snapBefore.putIfAbsent(b, b.snapshot());
            ServerState next = tx.next.get(s);
            s.publish(next.withDowntime(next.downtime().went(next.down(), tx.nowMillis)));
        }
        tx.pins.keySet().forEach(b -> snapBefore.putIfAbsent(b, b.snapshot()));
        tx.touched.forEach(b -> snapBefore.putIfAbsent(b, b.snapshot()));
        tx.holds.keySet().forEach(b -> snapBefore.putIfAbsent(b, b.snapshot()));
        Map<Backend, BackendSnapshot> snapAfter = new LinkedHashMap<>();
        for (Backend b : snapBefore.keySet()) {
            Optional<Optional<Server>> pin = tx.pins.containsKey(b) ? Optional.of(tx.pins.get(b)) : Optional.empty();
            OptionalLong hold = tx.holds.containsKey(b) ? OptionalLong.of(tx.holds.get(b)) : OptionalLong.empty();
            snapAfter.put(b, b.republish(gen, pin, hold, tx.nowMillis, tx.nowNanos));
        }
        List<ModelEvent> events = new ArrayList<>();
        if (!tx.frontends.isEmpty()) {
            Map<String, FrontendState> next = new LinkedHashMap<>(frontends);
            tx.frontends.forEach((name, st) -> {
                FrontendState was = next.put(name, st);
                if (!st.equals(was)) {
                    Reason why = Reason.of(Reason.Cause.FRONTEND, "frontend " + name + " " + st.changesFrom(was));
                    events.add(new FrontendChanged(gen, tx.origin, tx.nowMillis, why, name, was, st));
                }
            });
            frontends = java.util.Collections.unmodifiableMap(next);
        }
        if (tx.limits != null) {
            ProcessLimits was = limits;
            limits = tx.limits;
            events.add(new LimitsChanged(
                    gen,
                    tx.origin,
                    tx.nowMillis,
                    Reason.of(Reason.Cause.FRONTEND, limits.changesFrom(was)),
                    was,
                    limits));
        }
        for (Membership m : tx.membership) {
            events.add(
                    m.added()
                            ? new ServerAdded(gen, tx.origin, tx.nowMillis, m.why(), m.backend(), m.server())
                            : new ServerRemoved(gen, tx.origin, tx.nowMillis, m.why(), m.backend(), m.server()));
        }
        for (ModelEvent.ServerReconfigured r : tx.reconfigured) {
            events.add(new ModelEvent.ServerReconfigured(
                    gen,
                    tx.origin,
                    tx.nowMillis,
                    r.reason(),
                    r.backend(),
                    r.server(),
                    r.before(),
                    r.after(),
                    r.change()));
        }
        for (String[] st : tx.settings) {
            events.add(new ModelEvent.SettingsReloaded(
                    gen, tx.origin, tx.nowMillis, Reason.of(Reason.Cause.SETTINGS, "reload"), st[0], st[1]));
        }
        // Every change is an event, bookkeeping included, so that each event's before is the previous one's after.
        for (Map.Entry<Server, ServerState> e : before.entrySet()) {
            Server s = e.getKey();
            Backend b = backendOf(s);
            events.add(new ServerChanged(
                    gen,
                    tx.origin,
                    tx.nowMillis,
                    tx.reasons.get(s),
                    s,
                    e.getValue(),
                    s.state(),
                    snapBefore.get(b),
                    snapAfter.get(b)));
        }
        for (Map.Entry<Backend, BackendSnapshot> e : snapBefore.entrySet()) {
            Backend b = e.getKey();
            BackendSnapshot was = e.getValue();
            BackendSnapshot now = snapAfter.get(b);
            if (!was.targets().equals(now.targets()) || !was.pinned().equals(now.pinned())) {
                Reason why = tx.pinReasons.getOrDefault(b, firstReason(tx, b));
                events.add(new TrafficMoved(gen, tx.origin, tx.nowMillis, why, b, was, now));
            }
        }
        if (tx.reloaded.isPresent()) {
            ControlCommand.Reload r = tx.reloaded.get();
            running = Optional.of(r.config());
            String summary = tx.reloadedObjects == 0
                    ? "reloaded from " + r.source() + ": no change"
                    : "reloaded from " + r.source() + ": " + tx.reloadedObjects + " object(s) changed";
            events.add(new ModelEvent.ConfigReloaded(
                    gen, tx.origin, tx.nowMillis, Reason.of(Reason.Cause.SETTINGS, "reload"), r.config(), summary));
        }
        generation = gen;
        Optional<Note> decided = Optional.empty();
        if (events.stream().anyMatch(ModelEvent::changesDecisions)) {
            Note note = Note.of(Instant.ofEpochMilli(tx.nowMillis), decisionNote(tx, events));
            // An import brings its own notes and epoch: a restored decision still says when the operator took it.
            AdminState previous = tx.imported.orElse(admin);
            AdminState next = AdminState.captureRuntime(
                    AdminState.capture(backends, previous, note), frontends, frontendBaseline, limits, previous, note);
            if (tx.imported.isEmpty() && sharedDecision(tx.origin)) {
                parent = admin.epoch();
                next = next.withEpoch(admin.epoch().next(localName));
            }
            admin = next;
            decided = Optional.of(note);
        }
        for (ModelEvent ev : events) {
            // Only what an operator can see goes to the log and show events; counters moving alone do not.
            if (ev.visible()) {
                transitionLog.log(ev);
                eventLog.add(ev);
            }
        }
        notifyObservers(events);
        decided.ifPresent(note -> tellAdmin(tx.origin, note));
        snapAfter.forEach((b, snap) -> scheduleFollowUps(b, snap, tx.nowMillis, tx.nowNanos));
        if (tx.reloaded.isPresent()) {
            scheduleSweep();
        }
        return new Commit(gen, events, Optional.empty(), tx.restored, tx.ignored);
    }

    /**
     * Whether a decision from {@code origin} taken here is one the pair shares (and so gets the next epoch): an
     * operator's always; one of the checks or of live traffic only where this proxy decides. A follower's own failover
     * stays a local deviation, which the peer's state overrides (a monitor's view must never rewrite the pair's
     * decision: the ProxySQL Cluster failure).
     */
    private boolean sharedDecision(Origin origin) {
        // A move made to follow another proxy's writer lock is not a decision of the pair: it lasts as the lock does.
        // Nor is a reload: it changes this proxy's configuration, not the pair's decisions.
        return origin == Origin.CLI || (role.decides() && origin != Origin.FENCE && origin != Origin.RELOAD);
    }

    private void setRole(PairRole next, Origin origin) {
        PairRole was = role;
        if (was == next) {
            return;
        }
        role = next;
        if (next.decides() && !was.decides()) {
            // The new decider's decisions (the follower's copy of the last decider's, plus any deviation of its own
            // while alone) become the pair's: numbered above anything the old decider sent.
            parent = admin.epoch();
            admin = admin.withEpoch(admin.epoch().next(localName));
            LOG.info("pair role {} -> {}: this proxy decides now; decisions at epoch {}", was, next, admin.epoch());
            tellAdmin(origin, Note.of(Instant.now(), "became " + next + ": decides now"));
        } else {
            LOG.info("pair role {} -> {}{}", was, next, next.decides() ? "" : ": follows its peer's decisions");
        }
    }

    private void tellAdmin(Origin origin, Note lastChange) {
        AdminState now = admin;
        shared = new SharedState(now, parent);
        for (ControlObserver o : observers) {
            try {
                o.onAdminState(now, origin, lastChange);
            } catch (RuntimeException ex) {
                LOG.warn("observer {} failed on admin state {}", o, now.epoch(), ex);
            }
        }
    }

    /**
     * What a commit leaves to happen later, on this thread: a look at the backend again when a returning server's
     * {@code failback-delay} runs out, and, when traffic moved, a kick to the backend's queue at the end of the drain
     * (sessions waiting for the old writer's sessions go then, whatever is left).
     */
    private void scheduleFollowUps(Backend b, BackendSnapshot snap, long nowMillis, long nowNanos) {
        try {
            b.nextFailbackMillis(nowMillis)
                    .ifPresent(at -> writer.schedule(
                            () -> run(new Reconsider(b)), Math.max(1, at - nowMillis), TimeUnit.MILLISECONDS));
            for (long until : new long[] {snap.drainUntilNanos(), snap.holdUntilNanos()}) {
                if (until != 0 && until - nowNanos > 0) {
                    writer.schedule(b.queue()::drain, until - nowNanos, TimeUnit.NANOSECONDS);
                }
            }
        } catch (RejectedExecutionException e) {
            // Closing: nothing more is decided.
        }
    }

    /**
     * Why the decisions this commit made were made, for the state file: the operator's words, or, for a backup that
     * {@code failback = manual} pinned after a failure, which server failed and how.
     */
    private static String decisionNote(Transaction tx, List<ModelEvent> events) {
        for (ModelEvent e : events) {
            if (e instanceof TrafficMoved t && t.pinChanged() && !tx.pinReasons.containsKey(t.backend())) {
                String pin = t.after().pinned().map(Server::id).orElse("the normal order");
                return "failover to " + pin + " after " + t.reason().text();
            }
        }
        return events.get(0).reason().text();
    }

    /** A traffic move caused by a server's change says which server and why: "MySQL/Primary: Layer4 timeout". */
    private Reason firstReason(Transaction tx, Backend b) {
        for (Map.Entry<Server, Reason> e : tx.reasons.entrySet()) {
            if (e.getKey().backendName().equals(b.name())) {
                Reason r = e.getValue();
                return Reason.of(r.cause(), e.getKey().id() + ": " + r.text());
            }
        }
        if (tx.touched.contains(b)) {
            return Reason.of(
                    Reason.Cause.CHECK,
                    "up for failback-delay "
                            + b.config().failover().failbackDelay().toMillis() + "ms");
        }
        return Reason.of(Reason.Cause.TRAFFIC_MOVE, "");
    }

    private Backend backendOf(Server s) {
        for (Backend b : backends) {
            if (b.name().equals(s.backendName())) {
                return b;
            }
        }
        throw new IllegalArgumentException("server " + s.id() + " is not in this model");
    }

    private void notifyObservers(List<ModelEvent> events) {
        for (ModelEvent e : events) {
            for (ControlObserver o : observers) {
                try {
                    o.onEvent(e);
                } catch (RuntimeException ex) {
                    LOG.warn("observer {} failed on event {}", o, e.line(), ex);
                }
            }
        }
    }

    /** What one command changes before it is published. Writer thread only. */
    private static final class Transaction {
        final Origin origin;
        final long nowMillis = System.currentTimeMillis();
        final long nowNanos = System.nanoTime();
        final Map<Server, ServerState> next = new LinkedHashMap<>();
        final Map<Server, Reason> reasons = new LinkedHashMap<>();
        final Map<Backend, Optional<Server>> pins = new LinkedHashMap<>();
        final Map<Backend, Reason> pinReasons = new LinkedHashMap<>();
        final Set<Backend> touched = new java.util.LinkedHashSet<>();
        final Map<Backend, Long> holds = new LinkedHashMap<>();
        final List<String> restored = new ArrayList<>();
        final List<String> ignored = new ArrayList<>();
        final List<Membership> membership = new ArrayList<>();
        /** Servers an import would delete that still serve: kept, in maintenance. */
        final Set<Server> keepInMaintenance = new java.util.HashSet<>();

        final Map<String, FrontendState> frontends = new LinkedHashMap<>();
        ProcessLimits limits;
        Optional<AdminState> imported = Optional.empty();
        /** A reload, once checked and applied; with the objects it changed. */
        Optional<ControlCommand.Reload> reloaded = Optional.empty();

        int reloadedObjects;
        final List<ModelEvent.ServerReconfigured> reconfigured = new ArrayList<>();
        /** Backends' and frontends' settings a reload changed: {name, change}. */
        final List<String[]> settings = new ArrayList<>();

        Transaction(Origin origin) {
            this.origin = origin;
        }

        ServerState current(Server s) {
            return next.getOrDefault(s, s.state());
        }

        void put(Server s, ServerState st, Reason why) {
            next.put(s, st);
            reasons.put(s, why);
        }

        void pin(Backend b, Optional<Server> target, Reason why) {
            pins.put(b, target);
            pinReasons.put(b, why);
        }
    }

    @Override
    public void close() {
        writer.shutdown();
        try {
            if (!writer.awaitTermination(5, TimeUnit.SECONDS)) {
                writer.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            writer.shutdownNow();
        }
    }
}
