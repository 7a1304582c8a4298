package io.understudy.admin.metrics;

import io.prometheus.client.Collector.MetricFamilySamples;
import io.prometheus.client.Collector.MetricFamilySamples.Sample;
import io.prometheus.client.Collector.Type;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Builds the metric families of one scrape, in the order they are declared, under one name prefix: {@code
 * <prefix>_<object>_<suffix>} as HAProxy's exporter names them ({@code haproxy_server_bytes_in_total}).
 */
final class Families {
    private final String prefix;
    private final List<Family> families = new ArrayList<>();

    Families(String prefix) {
        this.prefix = prefix;
    }

    /** A gauge family; {@code suffix} is the part after {@code <prefix>_<object>_}. */
    Family gauge(String object, String suffix, String help, String... labelNames) {
        return add(new Family(name(object, suffix), Type.GAUGE, help, labelNames));
    }

    /** A counter family; {@code suffix} ends with {@code _total}, as every counter name does. */
    Family counter(String object, String suffix, String help, String... labelNames) {
        if (!suffix.endsWith("_total")) {
            throw new IllegalArgumentException("a counter name ends with _total: " + suffix);
        }
        return add(new Family(name(object, suffix), Type.COUNTER, help, labelNames));
    }

    /** Every family that got at least one sample, in declaration order. */
    List<MetricFamilySamples> build() {
        List<MetricFamilySamples> out = new ArrayList<>(families.size());
        for (Family f : families) {
            if (!f.samples.isEmpty()) {
                out.add(f.build());
            }
        }
        return out;
    }

    private Family add(Family f) {
        families.add(f);
        return f;
    }

    private String name(String object, String suffix) {
        return prefix + "_" + object + "_" + suffix;
    }

    /** One metric family: a name, a type, a HELP text and the samples added to it. */
    static final class Family {
        private final String name;
        private final Type type;
        private final String help;
        private final List<String> labelNames;
        private final List<Sample> samples = new ArrayList<>();

        private Family(String name, Type type, String help, String... labelNames) {
            this.name = name;
            this.type = type;
            this.help = help;
            this.labelNames = List.of(labelNames);
        }

        /** Adds a sample; {@code labelValues} go with the label names in order. */
        void add(double value, String... labelValues) {
            if (labelValues.length != labelNames.size()) {
                throw new IllegalArgumentException(
                        name + " takes labels " + labelNames + ", got " + Arrays.toString(labelValues));
            }
            samples.add(new Sample(name, labelNames, Arrays.asList(labelValues), value));
        }

        String name() {
            return name;
        }

        private MetricFamilySamples build() {
            // simpleclient wants a counter family named without "_total" and prints the suffix itself.
            String familyName = type == Type.COUNTER ? name.substring(0, name.length() - "_total".length()) : name;
            return new MetricFamilySamples(familyName, type, help, samples);
        }
    }
}
