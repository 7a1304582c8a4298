package io.understudy.admin.metrics;

import io.understudy.admin.metrics.Families.Family;
import io.understudy.admin.stats.StatRow;
import java.util.List;
import java.util.OptionalLong;

/**
 * Turns {@code show stat} rows of one object type into HAProxy's exporter series: one family per {@link Column}, one
 * sample per row (labels {@code proxy}, plus {@code server} for servers), values exactly the row's, times converted
 * from milliseconds to seconds.
 */
final class RowFamilies {
    private static final String[] PROXY = {"proxy"};
    private static final String[] PROXY_SERVER = {"proxy", "server"};

    private RowFamilies() {}

    /**
     * Adds the families of {@code columns} for {@code rows}, named {@code <prefix>_<object>_<suffix>}.
     *
     * @param servers whether the rows are server rows (labels and state values differ)
     */
    static void add(Families f, String object, List<Column> columns, List<StatRow> rows, boolean servers) {
        String[] labels = servers ? PROXY_SERVER : PROXY;
        for (Column c : columns) {
            switch (c.kind()) {
                case STATE -> state(f.gauge(object, c.suffix(), c.help(), withState(labels)), rows, servers);
                case CHECK_STATE -> checkState(f.gauge(object, c.suffix(), c.help(), withState(labels)), rows);
                case COUNTER -> values(f.counter(object, c.suffix(), c.help(), labels), c, rows, servers);
                default -> values(f.gauge(object, c.suffix(), c.help(), labels), c, rows, servers);
            }
        }
    }

    private static void values(Family family, Column c, List<StatRow> rows, boolean servers) {
        for (StatRow r : rows) {
            OptionalLong v = r.number(c.field());
            if (v.isPresent()) {
                double value = c.kind() == Column.Kind.MILLIS_AS_SECONDS ? v.getAsLong() / 1000.0 : v.getAsLong();
                add(family, value, r, servers);
            } else if (c.kind() == Column.Kind.LIMIT) {
                // HAProxy's exporter prints NaN where show stat leaves the limit empty (no maxconn: no limit).
                add(family, Double.NaN, r, servers);
            } else if (c.field() == io.understudy.admin.stats.StatField.CHECK_CODE
                    && r.checkStatus().isPresent()) {
                // The CSV shows check_code from L7 statuses on; HAProxy's exporter prints 0 for any checked server.
                add(family, 0, r, servers);
            }
        }
    }

    private static void state(Family family, List<StatRow> rows, boolean servers) {
        List<String> states = servers ? StateLabels.SERVER : StateLabels.PROXY;
        for (StatRow r : rows) {
            String current = r.state().name();
            for (String s : states) {
                if (servers) {
                    family.add(s.equals(current) ? 1 : 0, r.proxyName(), r.serviceName(), s);
                } else {
                    family.add(s.equals(current) ? 1 : 0, r.proxyName(), s);
                }
            }
        }
    }

    /** Check series only where show stat shows the check columns: checked, checks enabled, not in maintenance. */
    private static void checkState(Family family, List<StatRow> rows) {
        for (StatRow r : rows) {
            if (r.checkStatus().isEmpty()) {
                continue;
            }
            String current = r.checkStatus().get().name();
            for (String code : StateLabels.CHECK) {
                family.add(code.equals(current) ? 1 : 0, r.proxyName(), r.serviceName(), code);
            }
        }
    }

    private static void add(Family family, double value, StatRow r, boolean servers) {
        if (servers) {
            family.add(value, r.proxyName(), r.serviceName());
        } else {
            family.add(value, r.proxyName());
        }
    }

    private static String[] withState(String[] labels) {
        String[] out = java.util.Arrays.copyOf(labels, labels.length + 1);
        out[labels.length] = "state";
        return out;
    }
}
