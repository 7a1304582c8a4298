package io.understudy.admin.metrics;

import io.understudy.admin.AdminContext;
import io.understudy.admin.metrics.ProxyReading.BackendRow;
import io.understudy.admin.metrics.ProxyReading.CheckRow;
import io.understudy.admin.metrics.ProxyReading.FrontendRow;
import io.understudy.admin.metrics.ProxyReading.ServerRow;
import io.understudy.admin.metrics.ProxyReading.Traffic;
import io.understudy.checks.CheckResult;
import io.understudy.checks.CheckSnapshot;
import io.understudy.core.ProxyEngine;
import io.understudy.core.backend.Backend;
import io.understudy.core.backend.BackendSnapshot;
import io.understudy.core.counter.TrafficCounters;
import io.understudy.core.frontend.Frontend;
import io.understudy.core.server.OpState;
import io.understudy.core.server.Server;
import io.understudy.core.server.ServerState;
import io.understudy.core.session.TerminationCause;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Reads the core objects directly (published snapshots and lock-free counters): the stats source until the shared
 * {@code show stat} model exists, after which a reader over that model replaces this one.
 */
public final class CoreStatsReader implements StatsReader {
    private final AdminContext context;

    public CoreStatsReader(AdminContext context) {
        this.context = context;
    }

    @Override
    public ProxyReading read() {
        ProxyEngine engine = context.engine();
        long now = System.currentTimeMillis();
        List<FrontendRow> frontends = new ArrayList<>();
        for (Frontend f : engine.frontends()) {
            frontends.add(
                    new FrontendRow(f.name(), f.status().name(), f.config().maxconn(), traffic(f.counters())));
        }
        List<BackendRow> backends = new ArrayList<>();
        for (Backend b : engine.backends()) {
            backends.add(backend(b));
        }
        return new ProxyReading(now, process(engine), frontends, backends);
    }

    private ProxyReading.Process process(ProxyEngine engine) {
        Map<String, Long> ended = new LinkedHashMap<>();
        for (TerminationCause c : TerminationCause.values()) {
            ended.put(c.label(), engine.sessions().endedTotal(c));
        }
        int threads = engine.config().global().ioThreads();
        return new ProxyReading.Process(
                context.version(),
                context.startMillis(),
                threads > 0 ? threads : Runtime.getRuntime().availableProcessors(),
                ended);
    }

    private BackendRow backend(Backend b) {
        // One snapshot for the whole backend, so act/bck, the weight and every server's "takes new sessions" agree.
        BackendSnapshot snap = b.snapshot();
        List<Server> candidates = snap.candidates(Set.of(), b.config().allBackups());
        // A set, so that a backend of a thousand usable servers costs a thousand lookups rather than a million.
        Set<Server> takingNew = new HashSet<>(candidates);
        long weight = 0;
        for (Server s : candidates) {
            weight += s.state().weight();
        }
        List<ServerRow> servers = new ArrayList<>(b.servers().size());
        for (Server s : b.servers()) {
            servers.add(server(s, takingNew.contains(s)));
        }
        boolean up = !snap.noServerAvailable() || b.servers().isEmpty();
        return new BackendRow(
                b.name(),
                up,
                snap.activeUsable().size(),
                snap.backupUsable().size(),
                weight,
                b.lastChangeMillis(),
                traffic(b.counters()),
                servers);
    }

    private ServerRow server(Server s, boolean takesNewSessions) {
        ServerState st = s.state();
        Optional<CheckRow> check = context.health().snapshot(s).map(c -> check(c, st));
        return new ServerRow(
                s.backendName(),
                s.name(),
                status(st),
                s.isBackup(),
                st.weight(),
                s.config().maxconn(),
                st.lastChangeMillis(),
                takesNewSessions,
                traffic(s.counters()),
                check);
    }

    private static CheckRow check(CheckSnapshot c, ServerState st) {
        return new CheckRow(
                c.status().name(),
                c.last().map(CheckResult::code).orElse(java.util.OptionalInt.empty()),
                c.last().map(CheckResult::durationMillis).orElse(-1L),
                c.failedChecks(),
                c.downTransitions(),
                c.paused() || st.inMaintenance());
    }

    /**
     * promex's server state ({@code promex_srv_status}): any maintenance flag is MAINT; running or starting is UP, or
     * DRAIN with the drain flag; stopping is NOLB; anything else DOWN. So {@code UP 1/3} is UP and {@code no check} is
     * UP, as in HAProxy.
     */
    static String status(ServerState st) {
        if (st.inMaintenance()) {
            return "MAINT";
        }
        if (st.op().takesTraffic()) {
            return st.draining() ? "DRAIN" : "UP";
        }
        return st.op() == OpState.STOPPING ? "NOLB" : "DOWN";
    }

    static Traffic traffic(TrafficCounters c) {
        return new Traffic(
                c.currentSessions(),
                c.maxSessions(),
                c.totalSessions(),
                c.bytesIn(),
                c.bytesOut(),
                c.connectErrors(),
                c.retries(),
                c.redispatches(),
                c.selectedTotal(),
                c.lastSessionMillis(),
                c.connectTime().average(),
                c.connectTime().max(),
                c.totalTime().average(),
                c.totalTime().max());
    }
}
