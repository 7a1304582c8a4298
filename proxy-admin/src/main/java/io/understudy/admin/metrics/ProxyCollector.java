package io.understudy.admin.metrics;

import io.prometheus.client.Collector;
import io.understudy.admin.stats.RowType;
import io.understudy.admin.stats.StatRow;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds the proxy's series afresh at every scrape from one {@link ProxyReading}, the rows of one {@code show stat}:
 * no meter per server to register, update or forget, and every series of a scrape comes from the same snapshot.
 */
final class ProxyCollector extends Collector implements Collector.Describable {
    private final String prefix;
    private final StatsReader reader;

    ProxyCollector(String prefix, StatsReader reader) {
        this.prefix = prefix;
        this.reader = reader;
    }

    @Override
    public List<MetricFamilySamples> collect() {
        return collect(reader.read());
    }

    /** The series of {@code reading}. */
    List<MetricFamilySamples> collect(ProxyReading reading) {
        long nowNanos = System.nanoTime();
        List<StatRow> frontends = new ArrayList<>();
        List<StatRow> backends = new ArrayList<>();
        List<StatRow> servers = new ArrayList<>();
        for (StatRow r : reading.stats().rows()) {
            (r.type() == RowType.FRONTEND ? frontends : r.type() == RowType.BACKEND ? backends : servers).add(r);
        }
        Families f = new Families(prefix);
        ProxyFamilies.addProcess(f, reading);
        RowFamilies.add(f, "frontend", Column.FRONTEND, frontends, false);
        RowFamilies.add(f, "backend", Column.BACKEND, backends, false);
        ProxyFamilies.addBackendExtras(f, reading, backends, servers, nowNanos);
        RowFamilies.add(f, "server", Column.SERVER, servers, true);
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
