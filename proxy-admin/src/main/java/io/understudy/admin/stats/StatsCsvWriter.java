package io.understudy.admin.stats;

import java.util.function.Predicate;

/**
 * Renders a {@link StatsSnapshot} as HAProxy's {@code show stat} CSV, byte for byte in HAProxy 2.6.12's framing: a
 * header line starting with {@code "# "}, one line per row, every line (header included) ending with {@code ","} and
 * {@code "\n"}, the {@code -} marker and module columns after the static fields (see {@link ModuleColumns}), and one
 * empty line to end the output (the CLI's end-of-answer marker). Fields that do not apply are empty cells; texts are
 * quoted only when they contain a comma, a double quote or a line break, with quotes doubled (HAProxy's
 * {@code csv_enc_append}).
 *
 * <p>At {@code user} level HAProxy blanks {@code addr}, {@code cookie} and {@code algo} (it shows these "legends" only
 * to {@code operator} and {@code admin}); {@link #forUser()} does the same.
 */
public final class StatsCsvWriter {
    private static final String HEADER = buildHeader();

    private final boolean showLegends;

    /** @param showLegends fill {@code addr}, {@code cookie} and {@code algo}: true at operator and admin level */
    public StatsCsvWriter(boolean showLegends) {
        this.showLegends = showLegends;
    }

    /** For {@code operator} and {@code admin} sockets: every column. */
    public static StatsCsvWriter forOperator() {
        return new StatsCsvWriter(true);
    }

    /** For {@code user} sockets: {@code addr}, {@code cookie}, {@code algo} left empty. */
    public static StatsCsvWriter forUser() {
        return new StatsCsvWriter(false);
    }

    /** The header line, without its line feed: {@code # pxname,svname,...,agg_check_status,-,ssl_sess,...,}. */
    public static String header() {
        return HEADER;
    }

    /** The whole {@code show stat} answer: header, every row, and the final empty line. */
    public String render(StatsSnapshot snapshot) {
        return render(snapshot, r -> true);
    }

    /**
     * The {@code show stat} answer for the rows {@code filter} keeps (see {@link StatFilter}): the header, those rows
     * and the final empty line (the header and the empty line are always there).
     */
    public String render(StatsSnapshot snapshot, Predicate<StatRow> filter) {
        return table(snapshot, filter) + "\n";
    }

    /**
     * The CSV alone: the header and the rows {@code filter} keeps, every line ending with {@code "\n"}, without the
     * empty line that ends a CLI answer (for a CLI that adds it itself).
     */
    public String table(StatsSnapshot snapshot, Predicate<StatRow> filter) {
        StringBuilder out = new StringBuilder(256 * (snapshot.rows().size() + 1));
        out.append(HEADER).append('\n');
        for (StatRow row : snapshot.rows()) {
            if (filter.test(row)) {
                appendLine(row, out);
                out.append('\n');
            }
        }
        return out.toString();
    }

    /** One row as a CSV line, without its line feed. */
    public String line(StatRow row) {
        StringBuilder out = new StringBuilder(256);
        appendLine(row, out);
        return out.toString();
    }

    private void appendLine(StatRow row, StringBuilder out) {
        for (StatField f : StatField.values()) {
            if (showLegends || !f.legend()) {
                row.value(f).ifPresent(v -> appendCell(v, out));
            }
            out.append(',');
        }
        ModuleColumns.append(row.type(), out);
    }

    private static void appendCell(StatValue v, StringBuilder out) {
        String s = v.text();
        if (v instanceof StatValue.Num || !needsQuotes(s)) {
            out.append(s);
            return;
        }
        out.append('"').append(s.replace("\"", "\"\"")).append('"');
    }

    private static boolean needsQuotes(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == ',' || c == '"' || c == '\n' || c == '\r') {
                return true;
            }
        }
        return false;
    }

    private static String buildHeader() {
        StringBuilder h = new StringBuilder("# ");
        for (StatField f : StatField.values()) {
            h.append(f.csvName()).append(',');
        }
        h.append("-,");
        ModuleColumns.NAMES.forEach(n -> h.append(n).append(','));
        return h.toString();
    }
}
