package io.understudy.core.config;

/**
 * The Prometheus endpoint ({@code metrics { ... }}); absent from the config means no metrics server.
 *
 * @param bind where the HTTP server listens (also serves {@code GET /health})
 * @param path the metrics path, e.g. {@code /metrics}
 * @param prefix the metric name prefix: {@code understudy}, or {@code haproxy} so existing HAProxy dashboards work
 */
public record MetricsConfig(HostPort bind, String path, String prefix) {}
