package io.understudy.admin.metrics;

import io.understudy.admin.AdminContext;
import io.understudy.admin.stats.DowntimeTracker;
import io.understudy.admin.stats.StatsSnapshot;
import io.understudy.core.ProxyEngine;
import io.understudy.core.model.Backend;
import io.understudy.core.model.Server;
import io.understudy.core.session.TerminationCause;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Reads the proxy through {@link StatsSnapshot#capture}, exactly as {@code show stat} does, plus the few facts it has
 * no column for. Give it the {@link DowntimeTracker} {@code show stat} uses, so {@code downtime} and {@code chkdown}
 * agree too; without one those two are left out, as {@code show stat} leaves them empty.
 */
public final class SnapshotStatsReader implements StatsReader {
    private final AdminContext context;
    private final Optional<DowntimeTracker> downtime;

    public SnapshotStatsReader(AdminContext context, Optional<DowntimeTracker> downtime) {
        this.context = context;
        this.downtime = downtime;
    }

    @Override
    public ProxyReading read() {
        ProxyEngine engine = context.engine();
        StatsSnapshot stats = StatsSnapshot.capture(context, downtime, System.currentTimeMillis());
        Map<String, Set<String>> goTo = new HashMap<>();
        for (Backend b : engine.backends()) {
            Set<String> names = new LinkedHashSet<>();
            for (Server s : b.snapshot().candidates(Set.of(), b.config().allBackups())) {
                names.add(s.name());
            }
            goTo.put(b.name(), names);
        }
        List<ProxyReading.Ended> ended = new ArrayList<>();
        for (Backend b : engine.backends()) {
            for (TerminationCause c : TerminationCause.values()) {
                ended.add(new ProxyReading.Ended(
                        b.name(), c.label(), engine.sessions().endedTotal(b.name(), c)));
            }
        }
        ProxyReading.Process process =
                new ProxyReading.Process(context.version(), context.startMillis(), engine.ioThreads(), ended);
        return new ProxyReading(stats, process, goTo);
    }
}
