package io.understudy.admin.stats;

import java.util.List;
import java.util.function.Predicate;

/**
 * Renders a {@link StatsSnapshot} as HAProxy 2.6's {@code show stat typed} or {@code show stat json}: one entry per
 * filled cell of the CSV (a cell the CSV leaves empty has no entry), each with its position, name, HAProxy's tags
 * ({@link StatField#tags}) and type, then the module columns' entries (positions from 103 on, as HAProxy numbers them
 * after the static fields). {@code typed} is one line per entry, {@code <F|B|S>.<iid>.<sid>.<pos>.<name>.1:<tags>:
 * <type>:<value>}; {@code json} is an array of rows, each an array of entry objects. Neither includes the empty line
 * that ends a CLI answer. At {@code user} level {@code addr}, {@code cookie} and {@code algo} are left out, as in the
 * CSV.
 */
public final class StatsTypedWriter {
    private final boolean showLegends;
    private final boolean json;

    private StatsTypedWriter(boolean showLegends, boolean json) {
        this.showLegends = showLegends;
        this.json = json;
    }

    /** {@code show stat typed}. */
    public static StatsTypedWriter typed(boolean showLegends) {
        return new StatsTypedWriter(showLegends, false);
    }

    /** {@code show stat json}. */
    public static StatsTypedWriter json(boolean showLegends) {
        return new StatsTypedWriter(showLegends, true);
    }

    /** The rows {@code filter} keeps, every line ending with {@code "\n"}. */
    public String table(StatsSnapshot snapshot, Predicate<StatRow> filter) {
        return render(snapshot.rows().stream().filter(filter).toList());
    }

    /** These rows, every line ending with {@code "\n"}. */
    String render(List<StatRow> rows) {
        StringBuilder out = new StringBuilder(4096);
        if (json) {
            out.append('[');
        }
        boolean firstRow = true;
        for (StatRow row : rows) {
            if (json) {
                out.append(firstRow ? "[" : ",[");
            }
            firstRow = false;
            Entries entries = new Entries(row, out);
            for (StatField f : StatField.values()) {
                if (showLegends || !f.legend()) {
                    row.value(f).ifPresent(v -> entries.add(f.ordinal(), f.csvName(), f.tags(row.type()), v.text()));
                }
            }
            for (int i = 0; i < ModuleColumns.filled(row.type()); i++) {
                String name = ModuleColumns.NAMES.get(i);
                entries.add(StatField.values().length + i, name, ModuleColumns.tags(name), "0");
            }
            if (json) {
                out.append(']');
            }
        }
        if (json) {
            out.append("]\n");
        }
        return out.toString();
    }

    /** Appends one row's entries in the chosen form. */
    private final class Entries {
        private final StatRow row;
        private final StringBuilder out;
        private boolean first = true;

        Entries(StatRow row, StringBuilder out) {
            this.row = row;
            this.out = out;
        }

        void add(int pos, String name, FieldTags tags, String value) {
            if (json) {
                if (!first) {
                    out.append(',');
                }
                out.append("{\"objType\":\"")
                        .append(row.type().jsonName())
                        .append("\",\"proxyId\":")
                        .append(row.proxyId())
                        .append(",\"id\":")
                        .append(row.serverId())
                        .append(",\"field\":{\"pos\":")
                        .append(pos)
                        .append(",\"name\":\"")
                        .append(name)
                        .append("\"},\"processNum\":1,");
                tags.appendJsonTagsAndValue(value, out);
                out.append('}');
            } else {
                out.append(row.type().typedLetter())
                        .append('.')
                        .append(row.proxyId())
                        .append('.')
                        .append(row.serverId())
                        .append('.')
                        .append(pos)
                        .append('.')
                        .append(name)
                        .append(".1:")
                        .append(tags.letters())
                        .append(':')
                        .append(tags.type())
                        .append(':')
                        .append(value)
                        .append('\n');
            }
            first = false;
        }
    }
}
