package io.understudy.admin.metrics;

import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.prometheus.PrometheusConfig;
import io.micrometer.prometheus.PrometheusMeterRegistry;
import io.netty.buffer.ByteBufAllocator;
import io.understudy.admin.AdminContext;
import io.understudy.admin.peers.PeerSync;
import java.io.IOException;
import java.io.Writer;
import java.time.Duration;
import java.util.Optional;

/**
 * Every metric of one proxy process in one Micrometer Prometheus registry: the proxy's own series (HAProxy's names,
 * built per scrape from one {@link ProxyReading}, the rows {@code show stat} prints), the failover, check-duration and session-duration series Understudy
 * adds, and the JVM's and Netty's memory, GC and thread metrics. Knows nothing of HTTP; {@link MetricsServer} serves
 * it.
 */
// Micrometer deprecates the simpleclient registry in favour of the Prometheus 1.x client; it is the one chosen here
// (issue 5) and the one whose Collector API the per-scrape proxy series are written against.
@SuppressWarnings("deprecation")
public final class ProxyMetrics implements AutoCloseable {
    /** How often the duration histograms look for finished checks and new sessions. */
    public static final Duration SAMPLE_INTERVAL = Duration.ofMillis(100);

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
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

    /** Writes the Prometheus text exposition (format 0.0.4) of every metric. */
    public void scrape(Writer out) throws IOException {
        sample();
        registry.scrape(out);
    }

    /** The exposition as a string (tests and tools; the HTTP server streams it with {@link #scrape(Writer)}). */
    public String scrape() {
        sample();
        return registry.scrape();
    }

    @Override
    public void close() {
        gc.close();
        registry.close();
    }
}
