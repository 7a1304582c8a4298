package io.understudy.admin.metrics;

import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.DataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.InfoSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.prometheus.metrics.model.snapshots.SummarySnapshot;
import io.understudy.admin.stats.RowType;
import io.understudy.admin.stats.ServiceState;
import io.understudy.admin.stats.StatRow;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * HAProxy's {@code ?no-maint}: the series of servers in maintenance are left out of the server families, HAProxy's
 * and Understudy's alike (the check-duration histogram too); backend and other series keep counting them, as in
 * HAProxy. A family left without a series is left out whole, as HAProxy leaves it out.
 */
final class NoMaintFilter {
    private NoMaintFilter() {}

    /** {@code all} without the server series of the servers {@code reading} shows in maintenance. */
    static MetricSnapshots apply(MetricSnapshots all, String prefix, ProxyReading reading) {
        Set<List<String>> maint = new HashSet<>();
        for (StatRow r : reading.stats().rows()) {
            if (r.type() == RowType.SERVER && r.state() == ServiceState.MAINT) {
                maint.add(List.of(r.proxyName(), r.serviceName()));
            }
        }
        if (maint.isEmpty()) {
            return all;
        }
        MetricSnapshots.Builder out = MetricSnapshots.builder();
        for (MetricSnapshot s : all) {
            MetricSnapshot kept =
                    Scope.of(prefix, s.getMetadata().getPrometheusName()) == Scope.SERVER ? without(s, maint) : s;
            if (!kept.getDataPoints().isEmpty()) {
                out.metricSnapshot(kept);
            }
        }
        return out.build();
    }

    private static MetricSnapshot without(MetricSnapshot s, Set<List<String>> maint) {
        if (s.getDataPoints().stream().noneMatch(p -> inMaint(p.getLabels(), maint))) {
            return s;
        }
        if (s instanceof GaugeSnapshot g) {
            return new GaugeSnapshot(g.getMetadata(), kept(g.getDataPoints(), maint));
        } else if (s instanceof CounterSnapshot c) {
            return new CounterSnapshot(c.getMetadata(), kept(c.getDataPoints(), maint));
        } else if (s instanceof HistogramSnapshot h) {
            return new HistogramSnapshot(h.isGaugeHistogram(), h.getMetadata(), kept(h.getDataPoints(), maint));
        } else if (s instanceof SummarySnapshot m) {
            return new SummarySnapshot(m.getMetadata(), kept(m.getDataPoints(), maint));
        } else if (s instanceof InfoSnapshot i) {
            return new InfoSnapshot(i.getMetadata(), kept(i.getDataPoints(), maint));
        }
        // No server family of another type exists; should one appear, it fails loudly here rather than leak.
        throw new IllegalStateException("no-maint cannot filter " + s.getClass().getSimpleName() + " "
                + s.getMetadata().getName());
    }

    private static <P extends DataPointSnapshot> List<P> kept(List<P> points, Set<List<String>> maint) {
        List<P> out = new ArrayList<>(points.size());
        for (P p : points) {
            if (!inMaint(p.getLabels(), maint)) {
                out.add(p);
            }
        }
        return out;
    }

    private static boolean inMaint(Labels labels, Set<List<String>> maint) {
        String proxy = labels.get("proxy");
        String server = labels.get("server");
        return proxy != null && server != null && maint.contains(List.of(proxy, server));
    }
}
