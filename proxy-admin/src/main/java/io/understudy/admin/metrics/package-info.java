/**
 * Prometheus metrics and the health endpoint, served over HTTP by the proxy itself ({@link
 * io.understudy.admin.metrics.MetricsServer}): HAProxy's exporter series and labels under a configurable prefix
 * ({@code haproxy} keeps HAProxy dashboards working), what Understudy adds about failover and durations, and the JVM's
 * and Netty's memory. Everything reads published snapshots and lock-free counters; nothing here slows the relay.
 */
package io.understudy.admin.metrics;
