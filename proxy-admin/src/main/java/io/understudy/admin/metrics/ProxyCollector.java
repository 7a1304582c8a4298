package io.understudy.admin.metrics;

import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.registry.PrometheusScrapeRequest;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.understudy.admin.stats.RowType;
import io.understudy.admin.stats.StatRow;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * Builds the proxy's series afresh at every scrape from one {@link ProxyReading}, the rows of one {@code show stat}:
 * no meter per server to register, update or forget, and every series of a scrape comes from the same snapshot.
 * Registered in the Prometheus registry behind Micrometer's, so that it is part of every scrape of that registry; a
 * scrape by {@link ProxyMetrics} hands it the reading it took (a {@link ReadingRequest}), anything else makes it read.
 */
final class ProxyCollector implements MultiCollector {
    private final String prefix;
    private final StatsReader reader;

    ProxyCollector(String prefix, StatsReader reader) {
        this.prefix = prefix;
        this.reader = reader;
    }

    /** The scrape request of {@link ProxyMetrics}: carries the reading the whole scrape uses. */
    record ReadingRequest(ProxyReading reading, String path) implements PrometheusScrapeRequest {
        @Override
        public String getRequestPath() {
            return path;
        }

        /** The parameters are parsed already ({@link MetricsQuery}); collectors get none. */
        @Override
        public String[] getParameterValues(String name) {
            return null;
        }
    }

    @Override
    public MetricSnapshots collect() {
        return collect(name -> true, null);
    }

    @Override
    public MetricSnapshots collect(PrometheusScrapeRequest request) {
        return collect(name -> true, request);
    }

    @Override
    public MetricSnapshots collect(Predicate<String> includedNames, PrometheusScrapeRequest request) {
        ProxyReading reading = request instanceof ReadingRequest r ? r.reading() : reader.read();
        return new MetricSnapshots(collect(reading, includedNames));
    }

    /** The series of {@code reading} whose data-model names {@code wanted} accepts. */
    List<MetricSnapshot> collect(ProxyReading reading, Predicate<String> wanted) {
        long nowNanos = System.nanoTime();
        List<StatRow> frontends = new ArrayList<>();
        List<StatRow> backends = new ArrayList<>();
        List<StatRow> servers = new ArrayList<>();
        for (StatRow r : reading.stats().rows()) {
            (r.type() == RowType.FRONTEND ? frontends : r.type() == RowType.BACKEND ? backends : servers).add(r);
        }
        Families f = new Families(prefix, wanted);
        ProxyFamilies.addProcess(f, reading);
        RowFamilies.add(f, "frontend", Column.FRONTEND, frontends, false);
        RowFamilies.add(f, "backend", Column.BACKEND, backends, false);
        ProxyFamilies.addBackendExtras(f, reading, backends, servers, nowNanos);
        RowFamilies.add(f, "server", Column.SERVER, servers, true);
        return f.build();
    }
}
