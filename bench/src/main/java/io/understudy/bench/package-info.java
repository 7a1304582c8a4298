/**
 * Benchmarks that print figures (never timed assertions): {@code MetricsRenderBench} for the cost of a scrape. The
 * side-by-side proxy benchmark runs the shared harness with {@code bench/scripts/candidate.sh}.
 */
package io.understudy.bench;
