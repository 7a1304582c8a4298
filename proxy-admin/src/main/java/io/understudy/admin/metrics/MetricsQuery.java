package io.understudy.admin.metrics;

import io.netty.handler.codec.http.QueryStringDecoder;
import java.util.EnumSet;
import java.util.Set;

/**
 * What a scrape asks for with HAProxy 2.6's exporter parameters, parsed as HAProxy parses them (measured against
 * Debian's 2.6.12): {@code scope=<global|frontend|backend|server|listener|sticktable|*>} may repeat and adds up; an
 * empty {@code scope=} clears what the previous ones chose; without any {@code scope} everything is chosen; any other
 * value, or {@code scope} without {@code =}, is an error (HAProxy answers 400). {@code no-maint}, with or without a
 * value, leaves the servers in maintenance out of the server series. Other parameters are ignored.
 *
 * @param scopes the parts of the exposition chosen
 * @param noMaint whether servers in maintenance are left out of the server series
 */
public record MetricsQuery(Set<Scope> scopes, boolean noMaint) {
    /** No parameters: everything. */
    public static final MetricsQuery ALL = new MetricsQuery(EnumSet.allOf(Scope.class), false);

    public MetricsQuery {
        scopes = Set.copyOf(scopes);
    }

    /**
     * Parses the query string of a request URI (the part after {@code ?}, still percent-encoded; empty for none).
     *
     * @throws IllegalArgumentException naming the bad value and what was expected
     */
    public static MetricsQuery parse(String rawQuery) {
        EnumSet<Scope> scopes = EnumSet.allOf(Scope.class);
        boolean scoped = false;
        boolean noMaint = false;
        for (String pair : rawQuery.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String key = QueryStringDecoder.decodeComponent(eq < 0 ? pair : pair.substring(0, eq));
            if (key.equals("scope")) {
                if (!scoped) {
                    scopes.clear(); // the first scope replaces the default "everything"
                    scoped = true;
                }
                if (eq < 0) {
                    throw new IllegalArgumentException("scope needs a value: scope=<global|frontend|backend|server"
                            + "|listener|sticktable|*>, or scope= for nothing");
                }
                String value = QueryStringDecoder.decodeComponent(pair.substring(eq + 1));
                if (value.isEmpty()) {
                    scopes.clear();
                } else if (value.equals("*")) {
                    scopes.addAll(EnumSet.allOf(Scope.class));
                } else {
                    scopes.add(Scope.named(value)
                            .orElseThrow(() -> new IllegalArgumentException("unknown scope '" + value
                                    + "': expected global, frontend, backend, server, listener, sticktable or *")));
                }
            } else if (key.equals("no-maint")) {
                noMaint = true;
            }
        }
        return new MetricsQuery(scopes, noMaint);
    }

    /** Whether the family named {@code name} in the data model (series of {@code prefix}) is chosen. */
    boolean wants(String prefix, String name) {
        return scopes.contains(Scope.of(prefix, name));
    }
}
