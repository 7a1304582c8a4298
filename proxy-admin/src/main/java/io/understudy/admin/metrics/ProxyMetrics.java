package io.understudy.admin.metrics;

import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.buffer.ByteBufAllocator;
import io.prometheus.metrics.expositionformats.ExpositionFormatWriter;
import io.prometheus.metrics.expositionformats.ExpositionFormats;
import io.prometheus.metrics.expositionformats.OpenMetricsTextFormatWriter;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.understudy.admin.AdminContext;
import io.understudy.admin.peers.PeerSync;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;

/**
 * Every metric of one proxy process in one Micrometer Prometheus registry (the Prometheus Java client 1.x beneath):
 * the proxy's own series (HAProxy's names, built per scrape from one {@link ProxyReading}, the rows {@code show stat}
 * prints, by a {@link ProxyCollector} registered in the client's registry), the failover, check-duration and
 * session-duration series Understudy adds, and the JVM's and Netty's memory, GC and thread metrics. A scrape chooses
 * its part and format ({@link MetricsQuery}, {@link #writerFor}); the client's writers render it. Knows nothing of
 * HTTP; {@link MetricsServer} serves it.
 */
public final class ProxyMetrics implements AutoCloseable {
    /** How often the duration histograms look for finished checks and new sessions. */
    public static final Duration SAMPLE_INTERVAL = Duration.ofMillis(100);

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    /** The client's writers, configured as Micrometer's own (from prometheus.properties, if any). */
    private final ExpositionFormats formats = ExpositionFormats.init();

    private final String prefix;
    private final StatsReader reader;
    private final ProxyCollector collector;
    private final CheckDurations checkDurations;
    private final SessionDurations sessionDurations;
    private final JvmGcMetrics gc = new JvmGcMetrics();
    private final Optional<PeerSync> peers;

    /** Metrics over {@code show stat}'s rows, series named {@code <prefix>_...}. */
    public ProxyMetrics(AdminContext context, String prefix) {
        this(context, prefix, new SnapshotStatsReader(context));
    }

    /** Metrics whose proxy series come from {@code reader}. */
    public ProxyMetrics(AdminContext context, String prefix, StatsReader reader) {
        this.prefix = prefix;
        this.reader = reader;
        // Prometheus's linter rejects these two names (an abbreviated unit, a gauge ending in _count); process and
        // system CPU usage and the load average remain.
        registry.config().meterFilter(MeterFilter.denyNameStartsWith("process.cpu.time"));
        registry.config().meterFilter(MeterFilter.denyNameStartsWith("system.cpu.count"));
        this.collector = new ProxyCollector(prefix, reader);
        registry.getPrometheusRegistry().register(collector);
        this.checkDurations = new CheckDurations(
                registry, prefix, context.health(), context.engine().backends());
        this.sessionDurations = new SessionDurations(
                registry, prefix, context.engine().sessions(), context.engine().backends());
        new JvmMemoryMetrics().bindTo(registry);
        gc.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        new FileDescriptorMetrics().bindTo(registry);
        // The allocator the relay's channels use (Netty 4.2: adaptive unless io.netty.allocator.type says otherwise).
        new NettyMemoryMetrics(ByteBufAllocator.DEFAULT).bindTo(registry);
        this.peers = context.peers();
        peers.ifPresent(p -> PairMetrics.bind(registry, prefix, context.engine().control(), p));
        context.fence().ifPresent(f -> PairMetrics.bindLock(registry, prefix, f));
    }

    /** Why this proxy is not ready to take the virtual IP (its pair has not caught up), or empty when it is. */
    public Optional<String> pairNotReady() {
        return peers.filter(p -> !p.ready()).map(PeerSync::readiness);
    }

    /** The Micrometer registry, for code that wants to add its own meters to the same scrape. */
    public PrometheusMeterRegistry registry() {
        return registry;
    }

    /** A fresh reading of the proxy, as the next scrape would render it. */
    public ProxyReading read() {
        return reader.read();
    }

    /** Failovers of {@code backend} since the proxy started. */
    public long failovers(String backend) {
        return reader.read().failovers(backend).count();
    }

    /**
     * Records the checks and sessions that completed since the previous call into the duration histograms (they are
     * queued by the control plane and the relay, which never touch a meter). {@link MetricsServer} calls it every
     * {@link #SAMPLE_INTERVAL}, and every scrape calls it first, so a scrape includes everything finished before it.
     */
    public void sample() {
        checkDurations.sample();
        sessionDurations.sample();
    }

    /**
     * The writer for a request's {@code Accept} header: OpenMetrics 1.0 (ending with {@code # EOF}) when the header
     * names {@code application/openmetrics-text}, as Prometheus's scraper does; the Prometheus text format 0.0.4,
     * HAProxy's only format, otherwise (no header, {@code text/plain}, {@code *}{@code /*}, and the protobuf format,
     * which is not offered).
     */
    public ExpositionFormatWriter writerFor(String accept) {
        OpenMetricsTextFormatWriter openMetrics = formats.getOpenMetricsTextFormatWriter();
        return openMetrics.accepts(accept) ? openMetrics : formats.getPrometheusTextFormatWriter();
    }

    /** Writes the part of the exposition {@code query} chooses, in {@code format}, from one reading of the proxy. */
    public void scrape(OutputStream out, MetricsQuery query, ExpositionFormatWriter format) throws IOException {
        format.write(out, snapshots(query));
    }

    /** What a scrape with {@code query} exposes, before rendering. */
    MetricSnapshots snapshots(MetricsQuery query) {
        sample();
        ProxyReading reading = reader.read();
        MetricSnapshots all = registry.getPrometheusRegistry()
                .scrape(name -> query.wants(prefix, name), new ProxyCollector.ReadingRequest(reading, ""));
        return query.noMaint() ? NoMaintFilter.apply(all, prefix, reading) : all;
    }

    /**
     * Writes the whole exposition in the Prometheus text format 0.0.4. Kept for callers written against the
     * simpleclient registry (the bench); it renders into memory first, {@link #scrape(OutputStream, MetricsQuery,
     * ExpositionFormatWriter)} does not.
     */
    public void scrape(Writer out) throws IOException {
        out.write(scrape());
    }

    /** The whole exposition in the Prometheus text format 0.0.4, as a string (tests and tools). */
    public String scrape() {
        ByteArrayOutputStream out = new ByteArrayOutputStream(64 * 1024);
        try {
            scrape(out, MetricsQuery.ALL, formats.getPrometheusTextFormatWriter());
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a ByteArrayOutputStream does not fail
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        gc.close();
        registry.close();
    }
}
