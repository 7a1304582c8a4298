package io.understudy.admin.metrics;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A parsed Prometheus text exposition, for assertions: every sample by name and labels. */
final class Scrape {
    private static final Pattern SAMPLE = Pattern.compile("([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(.*)})? (\\S+)");
    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");

    /** One sample line. */
    record Sample(String name, Map<String, String> labels, double value) {}

    final String text;
    final List<Sample> samples = new ArrayList<>();

    Scrape(String text) {
        this.text = text;
        for (String line : text.split("\n")) {
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            Matcher m = SAMPLE.matcher(line);
            if (!m.matches()) {
                throw new IllegalArgumentException("not a sample line: " + line);
            }
            Map<String, String> labels = new LinkedHashMap<>();
            if (m.group(3) != null) {
                Matcher l = LABEL.matcher(m.group(3));
                while (l.find()) {
                    labels.put(l.group(1), l.group(2));
                }
            }
            samples.add(new Sample(m.group(1), labels, Double.parseDouble(m.group(4))));
        }
    }

    /** The value of the sample {@code name} whose labels include {@code labelPairs} (name, value, name, value...). */
    Optional<Double> value(String name, String... labelPairs) {
        return find(name, labelPairs).stream().findFirst().map(Sample::value);
    }

    double get(String name, String... labelPairs) {
        List<Sample> found = find(name, labelPairs);
        if (found.size() != 1) {
            throw new AssertionError(
                    found.size() + " samples " + name + " " + String.join(",", labelPairs) + " in:\n" + text);
        }
        return found.get(0).value();
    }

    List<Sample> find(String name, String... labelPairs) {
        List<Sample> out = new ArrayList<>();
        outer:
        for (Sample s : samples) {
            if (!s.name().equals(name)) {
                continue;
            }
            for (int i = 0; i < labelPairs.length; i += 2) {
                if (!labelPairs[i + 1].equals(s.labels().get(labelPairs[i]))) {
                    continue outer;
                }
            }
            out.add(s);
        }
        return out;
    }

    /** The {@code state} label of the series of {@code name} valued 1 for these labels. */
    Optional<String> state(String name, String... labelPairs) {
        return find(name, labelPairs).stream()
                .filter(s -> s.value() == 1)
                .map(s -> s.labels().get("state"))
                .findFirst();
    }
}
