package io.understudy.admin.metrics;

/**
 * Where the metrics get their numbers from: the one seam between the metrics and the running proxy. The production
 * source is {@link SnapshotStatsReader}, which reads {@code show stat}'s own model; anything else (a test's fixed
 * reading) plugs in here without touching the rendering.
 */
@FunctionalInterface
public interface StatsReader {
    /** Takes one reading; cheap, lock-free reads of published snapshots and counters only. */
    ProxyReading read();
}
