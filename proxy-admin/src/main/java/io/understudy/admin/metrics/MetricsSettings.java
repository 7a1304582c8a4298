package io.understudy.admin.metrics;

import io.understudy.core.config.MetricsConfig;
import java.net.InetSocketAddress;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Where the metrics HTTP server listens and how it names its series: the settings behind
 * {@code metrics { bind = "127.0.0.1:8405", path = /metrics, prefix = understudy }}. No {@code metrics} section means
 * no metrics server at all.
 *
 * @param bind the listening address (HAProxy's conventional exporter port is 8405)
 * @param path where the Prometheus exposition is served, e.g. {@code /metrics}; {@code /health} is always served too
 * @param prefix the first word of every proxy series: {@code understudy} by default, {@code haproxy} so that dashboards
 *     and alerts written for HAProxy's built-in exporter work unchanged
 * @param maxConnections the most concurrent HTTP connections, so that a misbehaving scraper cannot exhaust the
 *     proxy's file descriptors; one more takes the slot of the connection quiet longest
 */
public record MetricsSettings(InetSocketAddress bind, String path, String prefix, int maxConnections) {
    public static final String DEFAULT_PATH = "/metrics";
    public static final String DEFAULT_PREFIX = "understudy";
    /** Enough for a few Prometheus servers, a health checker and an operator's curl. */
    public static final int DEFAULT_MAX_CONNECTIONS = 16;
    /** The health endpoint's fixed path. */
    public static final String HEALTH_PATH = "/health";

    private static final Pattern PREFIX = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");

    public MetricsSettings {
        Objects.requireNonNull(bind, "bind");
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(prefix, "prefix");
        if (!path.startsWith("/") || path.contains("?") || path.contains("#")) {
            throw new IllegalArgumentException("metrics path must start with / and have no query: " + path);
        }
        if (path.equals(HEALTH_PATH)) {
            throw new IllegalArgumentException("metrics path " + HEALTH_PATH + " is reserved for the health check");
        }
        // The prefix becomes the start of every metric name, so it must be a valid Prometheus name on its own.
        if (!PREFIX.matcher(prefix).matches()) {
            throw new IllegalArgumentException("metrics prefix must match [a-zA-Z_][a-zA-Z0-9_]*: " + prefix);
        }
        if (maxConnections < 1) {
            throw new IllegalArgumentException("metrics maxconn must be at least 1: " + maxConnections);
        }
    }

    /** The settings of the config's {@code metrics} section, with the default connection limit. */
    public static MetricsSettings from(MetricsConfig config) {
        return new MetricsSettings(config.bind().resolved(), config.path(), config.prefix());
    }

    /** {@code bind} with the default path, prefix and connection limit. */
    public MetricsSettings(InetSocketAddress bind) {
        this(bind, DEFAULT_PATH, DEFAULT_PREFIX, DEFAULT_MAX_CONNECTIONS);
    }

    /** {@code bind}, {@code path} and {@code prefix} with the default connection limit. */
    public MetricsSettings(InetSocketAddress bind, String path, String prefix) {
        this(bind, path, prefix, DEFAULT_MAX_CONNECTIONS);
    }
}
