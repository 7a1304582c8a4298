package io.understudy.admin.metrics;

/**
 * Where the metrics get their numbers from: the one seam between the metrics and the running proxy, so that switching
 * the source (the core objects today, the shared {@code show stat} model later) touches one class.
 */
@FunctionalInterface
public interface StatsReader {
    /** Takes one reading; cheap, lock-free reads of published snapshots and counters only. */
    ProxyReading read();
}
