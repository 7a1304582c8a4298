package io.understudy.core.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The known keys of every config section: the one table to extend when a setting is added, so that typos keep being
 * reported as unknown keys.
 */
final class ConfigKeys {
    /** The top-level sections of a config file. */
    static final List<String> TOP_LEVEL = List.of("global", "defaults", "listen", "admin", "metrics", "peers");

    /** {@code global { ... }}: process-wide settings. */
    static final List<String> GLOBAL =
            List.of("hard-stop-after", "io-threads", "state-file", "log-format", "log", "resolve-interval");

    /** One element of {@code global.log = [ ... ]}. */
    static final List<String> LOG_TARGET = List.of("target", "facility", "level");

    /** {@code defaults { ... }}: every setting a {@code listen.<name>} section inherits and may override. */
    static final List<String> DEFAULTS = List.of(
            "maxconn",
            "balance",
            "allbackups",
            "retries",
            "redispatch",
            "retry-delay",
            "timeout",
            "check",
            "failback",
            "failback-delay",
            "on-marked-down",
            "on-marked-up",
            "send-proxy");

    /** {@code listen.<name> { ... }}: the inheritable settings plus what only a listen section can have. */
    static final List<String> LISTEN = concat(List.of("bind", "accept-proxy"), DEFAULTS, List.of("servers"));

    /** {@code timeout { ... }} in {@code defaults} or a listen section. */
    static final List<String> TIMEOUT = List.of("connect", "client", "server", "queue", "greeting", "drain");

    /** One element of {@code servers = [ ... ]}. */
    static final List<String> SERVER =
            List.of("name", "address", "init-addr", "backup", "weight", "maxconn", "disabled", "check", "send-proxy");

    /** {@code check { ... }} in {@code defaults}, a listen section or a server. */
    static final List<String> CHECK = List.of(
            "enabled",
            "type",
            "user",
            "password",
            "variant",
            "inter",
            "fastinter",
            "downinter",
            "rise",
            "fall",
            "timeout",
            "spread",
            "initial",
            "query",
            "require-writable",
            "max-lag",
            "observe",
            "error-limit",
            "on-error");

    /** {@code metrics { ... }}. */
    static final List<String> METRICS = List.of("bind", "path", "prefix");

    /** {@code peers { ... }}. */
    static final List<String> PEERS =
            List.of("local", "secret", "members", "interval", "sync-timeout", "max-message", "writer-lock");

    /** {@code admin { ... }}. */
    static final List<String> ADMIN = List.of("sockets");

    /** One element of {@code admin.sockets = [ ... ]}. */
    static final List<String> ADMIN_SOCKET = List.of("path", "mode", "user", "group", "level", "expose-fd");

    private ConfigKeys() {}

    /** The {@code expected} text for an unknown key: the closest known key when one is near, else the whole list. */
    static String unknownKeyExpectation(String key, List<String> known) {
        return closest(key, known)
                .map(k -> "a known key (unknown key; did you mean `" + k + "`?)")
                .orElseGet(() -> "a known key (unknown key; known keys here: " + String.join(", ", known) + ")");
    }

    /**
     * The known key most likely meant, if any is within a couple of edits (a swapped pair of letters counts as one,
     * case is ignored): near enough to be a typo, far enough not to suggest nonsense.
     */
    static Optional<String> closest(String key, List<String> known) {
        String k = key.toLowerCase(Locale.ROOT);
        int limit = k.length() <= 4 ? 1 : 2;
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String candidate : known) {
            int d = distance(k, candidate);
            if (d <= limit && d < bestDistance) {
                best = candidate;
                bestDistance = d;
            }
        }
        return Optional.ofNullable(best);
    }

    /** Optimal-string-alignment edit distance: insertions, deletions, substitutions and adjacent swaps. */
    static int distance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= b.length(); j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }

    @SafeVarargs
    private static List<String> concat(List<String>... parts) {
        List<String> all = new ArrayList<>();
        for (List<String> part : parts) {
            all.addAll(part);
        }
        return List.copyOf(all);
    }
}
