package io.understudy.core.config;

import java.util.Optional;
import java.util.regex.Pattern;

/** Reads the optional {@code metrics { bind, path, prefix }} section. */
final class MetricsReader {
    static final String DEFAULT_PATH = "/metrics";
    static final String DEFAULT_PREFIX = "understudy";
    static final String PATH = "an HTTP path starting with / (e.g. /metrics), other than /health";
    static final String PREFIX = "a Prometheus metric name prefix: letters, digits and _, not starting with a digit"
            + " (understudy, or haproxy for HAProxy dashboards)";
    private static final Pattern PREFIX_FORM = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");

    private final Addresses addresses;

    MetricsReader(Addresses addresses) {
        this.addresses = addresses;
    }

    /** The metrics settings, or empty when the section is absent or something in it was reported. */
    Optional<MetricsConfig> read(Optional<Section> metrics) {
        if (metrics.isEmpty()) {
            return Optional.empty();
        }
        Section m = metrics.get();
        m.checkKnownKeys(ConfigKeys.METRICS);
        Optional<HostPort> bind = Optional.empty();
        if (m.has("bind")) {
            bind = addresses.bind(m, "bind");
        } else {
            m.missing("bind", Addresses.BIND_FORM);
        }
        Optional<String> path =
                m.has("path") ? m.string("path").filter(p -> validPath(m, p)) : Optional.of(DEFAULT_PATH);
        Optional<String> prefix =
                m.has("prefix") ? m.string("prefix").filter(p -> validPrefix(m, p)) : Optional.of(DEFAULT_PREFIX);
        if (bind.isEmpty() || path.isEmpty() || prefix.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new MetricsConfig(bind.get(), path.get(), prefix.get()));
    }

    private static boolean validPath(Section m, String p) {
        if (p.startsWith("/") && !p.equals("/health") && p.chars().noneMatch(Character::isWhitespace)) {
            return true;
        }
        m.report("path", m.value("path"), PATH);
        return false;
    }

    private static boolean validPrefix(Section m, String p) {
        if (PREFIX_FORM.matcher(p).matches()) {
            return true;
        }
        m.report("prefix", m.value("prefix"), PREFIX);
        return false;
    }
}
