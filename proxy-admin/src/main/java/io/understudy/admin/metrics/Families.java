package io.understudy.admin.metrics;

import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.InfoSnapshot;
import io.prometheus.metrics.model.snapshots.InfoSnapshot.InfoDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricMetadata;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.PrometheusNaming;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Predicate;

/**
 * Builds the metric families of one scrape under one name prefix: {@code <prefix>_<object>_<suffix>} as HAProxy's
 * exporter names them ({@code haproxy_server_bytes_in_total}), as snapshots of the Prometheus client's data model.
 *
 * <p>The data model names a counter without its {@code _total} and an info metric without its {@code _info}; the
 * exposition writers append them. Here every family is declared with its full exposed name, as HAProxy prints it, and
 * the split happens once, in this class. A family the scrape does not want (its {@code ?scope=}) takes no samples.
 */
final class Families {
    private static final String TOTAL = "_total";
    private static final String INFO = "_info";

    private final String prefix;
    private final Predicate<String> wanted;
    private final List<Family> families = new ArrayList<>();

    /** Families whose model name {@code wanted} accepts take samples; the others drop them. */
    Families(String prefix, Predicate<String> wanted) {
        this.prefix = prefix;
        this.wanted = wanted;
    }

    /** A gauge family; {@code suffix} is the part after {@code <prefix>_<object>_}. */
    Family gauge(String object, String suffix, String help, String... labelNames) {
        String name = name(object, suffix);
        // The model refuses a gauge named like a counter or an info metric (reserved suffixes).
        String problem = PrometheusNaming.validateMetricName(name);
        if (problem != null) {
            throw new IllegalArgumentException("gauge " + name + ": " + problem);
        }
        return add(new Family(name, Kind.GAUGE, help, labelNames));
    }

    /** A counter family; {@code suffix} ends with {@code _total}, as every counter name does. */
    Family counter(String object, String suffix, String help, String... labelNames) {
        if (!suffix.endsWith(TOTAL)) {
            throw new IllegalArgumentException("a counter name ends with _total: " + suffix);
        }
        return add(new Family(stripped(name(object, suffix), TOTAL), Kind.COUNTER, help, labelNames));
    }

    /**
     * An info family: {@code suffix} ends with {@code _info}, every sample is 1. The Prometheus text format prints it
     * as the gauge HAProxy prints ({@code # TYPE <name>_info gauge}); OpenMetrics as type {@code info}.
     */
    Family info(String object, String suffix, String help, String... labelNames) {
        if (!suffix.endsWith(INFO)) {
            throw new IllegalArgumentException("an info metric name ends with _info: " + suffix);
        }
        return add(new Family(stripped(name(object, suffix), INFO), Kind.INFO, help, labelNames));
    }

    /** Every family that got at least one sample, in declaration order. */
    List<MetricSnapshot> build() {
        List<MetricSnapshot> out = new ArrayList<>(families.size());
        for (Family f : families) {
            if (!f.labels.isEmpty()) {
                out.add(f.build());
            }
        }
        return out;
    }

    private Family add(Family f) {
        if (wanted.test(f.name)) {
            families.add(f);
        } else {
            f.dropped = true;
        }
        return f;
    }

    private String name(String object, String suffix) {
        return prefix + "_" + object + "_" + suffix;
    }

    private static String stripped(String name, String suffix) {
        return name.substring(0, name.length() - suffix.length());
    }

    private enum Kind {
        GAUGE,
        COUNTER,
        INFO
    }

    /** One metric family: a model name, a kind, a HELP text and the samples added to it. */
    static final class Family {
        private final String name;
        private final Kind kind;
        private final String help;
        private final String[] labelNames;
        private final List<Labels> labels = new ArrayList<>();
        private final List<Double> values = new ArrayList<>();
        /** Not wanted by this scrape: samples are dropped as they come. */
        private boolean dropped;

        private Family(String name, Kind kind, String help, String... labelNames) {
            this.name = name;
            this.kind = kind;
            this.help = help;
            this.labelNames = labelNames;
        }

        /** Adds a sample; {@code labelValues} go with the label names in order. An info sample's value is 1. */
        void add(double value, String... labelValues) {
            if (labelValues.length != labelNames.length) {
                throw new IllegalArgumentException(name + " takes labels " + Arrays.toString(labelNames) + ", got "
                        + Arrays.toString(labelValues));
            }
            if (kind == Kind.INFO && value != 1) {
                throw new IllegalArgumentException(name + "_info is an info metric: every value is 1, got " + value);
            }
            if (dropped) {
                return;
            }
            labels.add(Labels.of(labelNames, labelValues));
            values.add(value);
        }

        private MetricSnapshot build() {
            MetricMetadata metadata = new MetricMetadata(name, help);
            int n = labels.size();
            switch (kind) {
                case COUNTER -> {
                    List<CounterDataPointSnapshot> points = new ArrayList<>(n);
                    for (int i = 0; i < n; i++) {
                        points.add(new CounterDataPointSnapshot(values.get(i), labels.get(i), null, 0));
                    }
                    return new CounterSnapshot(metadata, points);
                }
                case INFO -> {
                    List<InfoDataPointSnapshot> points = new ArrayList<>(n);
                    for (Labels l : labels) {
                        points.add(new InfoDataPointSnapshot(l));
                    }
                    return new InfoSnapshot(metadata, points);
                }
                default -> {
                    List<GaugeDataPointSnapshot> points = new ArrayList<>(n);
                    for (int i = 0; i < n; i++) {
                        points.add(new GaugeDataPointSnapshot(values.get(i), labels.get(i), null));
                    }
                    return new GaugeSnapshot(metadata, points);
                }
            }
        }
    }
}
