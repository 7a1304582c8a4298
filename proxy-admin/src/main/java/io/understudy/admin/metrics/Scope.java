package io.understudy.admin.metrics;

import java.util.Optional;

/**
 * The parts of the exposition HAProxy's exporter lets a scrape choose with {@code ?scope=}, and which part each series
 * belongs to. HAProxy's own series go by their object word ({@code <prefix>_frontend_...}); what Understudy adds goes
 * with the object it describes, and everything process-wide (the JVM's and Netty's meters, the pair) is {@link
 * #GLOBAL}, with HAProxy's {@code <prefix>_process_*}.
 */
public enum Scope {
    GLOBAL("global"),
    FRONTEND("frontend"),
    BACKEND("backend"),
    SERVER("server"),
    /** Accepted as HAProxy accepts it; Understudy has no listener series, so it selects nothing. */
    LISTENER("listener"),
    /** Accepted as HAProxy accepts it; Understudy has no stick tables, so it selects nothing. */
    STICKTABLE("sticktable");

    private final String word;

    Scope(String word) {
        this.word = word;
    }

    /** The value of {@code ?scope=} that names this scope. */
    public String word() {
        return word;
    }

    /** The scope {@code ?scope=<word>} names (HAProxy's words, case-sensitive as in HAProxy). */
    static Optional<Scope> named(String word) {
        for (Scope s : values()) {
            if (s.word.equals(word)) {
                return Optional.of(s);
            }
        }
        return Optional.empty();
    }

    /**
     * The scope of the family named {@code name} in the Prometheus data model (a counter without {@code _total}):
     * {@code <prefix>_frontend_*}, {@code <prefix>_backend_*} and {@code <prefix>_server_*} by their object,
     * {@code <prefix>_sessions_terminated_total} (labelled by backend) with the backends, anything else global.
     */
    static Scope of(String prefix, String name) {
        if (name.length() > prefix.length() && name.startsWith(prefix) && name.charAt(prefix.length()) == '_') {
            String rest = name.substring(prefix.length() + 1);
            if (rest.startsWith("frontend_")) {
                return FRONTEND;
            }
            if (rest.startsWith("backend_") || rest.startsWith("sessions_")) {
                return BACKEND;
            }
            if (rest.startsWith("server_")) {
                return SERVER;
            }
        }
        return GLOBAL;
    }
}
