package io.understudy.admin.metrics;

import io.understudy.admin.AdminContext;
import io.understudy.admin.info.ProcessInfo;
import io.understudy.admin.stats.StatsSnapshot;
import io.understudy.core.ProxyEngine;
import io.understudy.core.model.Backend;
import io.understudy.core.model.BackendSnapshot;
import io.understudy.core.model.Server;
import io.understudy.core.session.TerminationCause;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads the proxy through {@link StatsSnapshot#capture}, exactly as {@code show stat} does, plus the few facts it has
 * no column for (where new sessions go, failovers), all from the same published model.
 */
public final class SnapshotStatsReader implements StatsReader {
    private final AdminContext context;
    private final ProcessInfo info;

    public SnapshotStatsReader(AdminContext context) {
        this.context = context;
        this.info = new ProcessInfo(context);
    }

    @Override
    public ProxyReading read() {
        ProxyEngine engine = context.engine();
        StatsSnapshot stats = StatsSnapshot.capture(context);
        Map<String, Set<String>> goTo = new HashMap<>();
        Map<String, ProxyReading.Failovers> failovers = new HashMap<>();
        for (Backend b : engine.backends()) {
            BackendSnapshot snap = b.snapshot();
            Set<String> names = new LinkedHashSet<>();
            for (Server s : snap.targets()) {
                names.add(s.name());
            }
            goTo.put(b.name(), names);
            failovers.put(b.name(), new ProxyReading.Failovers(snap.failovers(), snap.lastFailoverNanos()));
        }
        List<ProxyReading.Ended> ended = new ArrayList<>();
        for (Backend b : engine.backends()) {
            for (TerminationCause c : TerminationCause.values()) {
                ended.add(new ProxyReading.Ended(
                        b.name(), c.label(), engine.sessions().endedTotal(b.name(), c)));
            }
        }
        ProxyReading.Process process = new ProxyReading.Process(
                context.version(),
                context.startMillis(),
                engine.ioThreads(),
                ended,
                info.values(stats.takenAtMillis()));
        return new ProxyReading(stats, process, goTo, failovers);
    }
}
