package io.understudy.admin.metrics;

import io.understudy.admin.stats.StatsSnapshot;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One reading of everything the metrics and the health endpoint show: the {@code show stat} rows of one instant (the
 * same {@link StatsSnapshot} the admin socket prints, so metrics and {@code show stat} agree) plus what {@code show
 * stat} has no column for. Each scrape renders exactly one reading.
 *
 * @param stats every frontend, backend and server row
 * @param process process-wide facts ({@code show info})
 * @param newSessionsGoTo per backend, the servers new sessions go to now (the balance candidates: the usable active
 *     servers, else the first usable backup, or the pinned server), read right after {@code stats}
 */
public record ProxyReading(
        StatsSnapshot stats,
        Process process,
        Map<String, Set<String>> newSessionsGoTo,
        Map<String, Failovers> failovers) {
    public ProxyReading {
        newSessionsGoTo = Map.copyOf(newSessionsGoTo);
        failovers = Map.copyOf(failovers);
    }

    /** The failovers of {@code backend}, as its model snapshot counts them; none for an unknown backend. */
    public Failovers failovers(String backend) {
        return failovers.getOrDefault(backend, Failovers.NONE);
    }

    /**
     * How often a backend's new sessions started going to servers they were not going to before.
     *
     * @param count failovers since start
     * @param lastNanos {@link System#nanoTime()} of the last one, meaningless while {@code count} is 0
     */
    public record Failovers(long count, long lastNanos) {
        static final Failovers NONE = new Failovers(0, 0);
    }

    /** The servers new sessions of {@code backend} go to now; empty when none can take one. */
    public Set<String> newSessionsGoTo(String backend) {
        return newSessionsGoTo.getOrDefault(backend, Set.of());
    }

    /**
     * Process-wide facts.
     *
     * @param version the product version
     * @param startMillis when the process started (wall clock)
     * @param ioThreads event-loop threads ({@code Nbthread})
     * @param ended sessions ended since start, per backend and termination cause, in config and causes' order
     * @param info {@code show info}'s figures by key; a key the platform cannot tell is absent
     */
    public record Process(
            String version,
            long startMillis,
            int ioThreads,
            List<Ended> ended,
            Map<io.understudy.admin.info.InfoField, String> info) {
        public Process {
            ended = List.copyOf(ended);
            info = Map.copyOf(info);
        }
    }

    /** How many sessions of {@code proxy} ended with {@code cause} (a termination cause label). */
    public record Ended(String proxy, String cause, long total) {}
}
