package io.understudy.admin.metrics;

import io.prometheus.client.Collector;
import java.util.List;

/**
 * Builds the proxy's series afresh at every scrape from one {@link ProxyReading}: no meter per server to register,
 * update or forget, and every series of a scrape comes from the same moment, as the rows of one {@code show stat} do.
 */
final class ProxyCollector extends Collector implements Collector.Describable {
    private final String prefix;
    private final StatsReader reader;
    private final FailoverTracker failovers;

    ProxyCollector(String prefix, StatsReader reader, FailoverTracker failovers) {
        this.prefix = prefix;
        this.reader = reader;
        this.failovers = failovers;
    }

    @Override
    public List<MetricFamilySamples> collect() {
        return collect(reader.read());
    }

    /** The series of {@code reading}. */
    List<MetricFamilySamples> collect(ProxyReading reading) {
        long nowNanos = System.nanoTime();
        Families f = new Families(prefix);
        ProxyFamilies.addProcess(f, reading);
        ProxyFamilies.addFrontends(f, reading);
        ProxyFamilies.addBackends(f, reading, failovers, nowNanos);
        new ServerFamilies(f).addAll(reading.backends(), reading.nowMillis());
        return f.build();
    }

    /**
     * Nothing to declare ahead: the registry would otherwise call {@link #collect()} at registration to learn the
     * names, reading the whole proxy for nothing.
     */
    @Override
    public List<MetricFamilySamples> describe() {
        return List.of();
    }
}
