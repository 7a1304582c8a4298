package io.understudy.admin.metrics;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A strict reading of an OpenMetrics 1.0 text exposition, enough to catch what a scraper would refuse: it ends with
 * {@code # EOF}; each family is declared once ({@code # TYPE}) before its samples and its samples are contiguous; each
 * sample's name is one the family's type allows ({@code _total}/{@code _created} for a counter, {@code _info} for an
 * info metric, {@code _bucket}/{@code _count}/{@code _sum}/{@code _created} for a histogram, the bare name for a
 * gauge); every sample line parses.
 */
final class OpenMetricsText {
    /** Family name to type, in order of appearance. */
    final Map<String, String> types = new LinkedHashMap<>();
    /** The samples, parsed as {@link Scrape} parses the text format. */
    final Scrape samples;

    OpenMetricsText(String text) {
        if (!text.endsWith("# EOF\n")) {
            throw new IllegalArgumentException(
                    "does not end with # EOF: ..." + text.substring(Math.max(0, text.length() - 80)));
        }
        String body = text.substring(0, text.length() - "# EOF\n".length());
        String family = null;
        for (String line : body.isEmpty()
                ? new String[0]
                : body.substring(0, body.length() - 1).split("\n", -1)) {
            if (line.isEmpty()) {
                throw new IllegalArgumentException("empty line in the exposition");
            }
            if (line.startsWith("# TYPE ")) {
                String[] w = line.split(" ");
                if (w.length != 4 || types.put(w[2], w[3]) != null) {
                    throw new IllegalArgumentException("bad or repeated TYPE line: " + line);
                }
                family = w[2];
            } else if (line.startsWith("# HELP ") || line.startsWith("# UNIT ")) {
                String name = line.split(" ")[2];
                if (types.containsKey(name) && !name.equals(family)) {
                    throw new IllegalArgumentException("metadata of a finished family: " + line);
                }
            } else if (line.startsWith("#")) {
                throw new IllegalArgumentException("not an OpenMetrics comment: " + line);
            } else {
                if (family == null) {
                    throw new IllegalArgumentException("sample before any TYPE: " + line);
                }
                String name = line.substring(0, line.indexOf(line.contains("{") ? '{' : ' '));
                if (!allowed(types.get(family), family).contains(name)) {
                    throw new IllegalArgumentException(
                            "sample " + name + " in family " + family + " of type " + types.get(family));
                }
            }
        }
        this.samples = new Scrape(body);
    }

    private static List<String> allowed(String type, String family) {
        return switch (type) {
            case "counter" -> List.of(family + "_total", family + "_created");
            case "info" -> List.of(family + "_info");
            case "histogram" -> List.of(family + "_bucket", family + "_count", family + "_sum", family + "_created");
            case "summary" -> List.of(family, family + "_count", family + "_sum", family + "_created");
            case "gauge", "unknown", "stateset" -> List.of(family);
            default -> throw new IllegalArgumentException("unknown type " + type + " of " + family);
        };
    }
}
