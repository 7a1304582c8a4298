/**
 * HAProxy's {@code show stat}: the typed model of every frontend, server and backend row ({@link
 * io.understudy.admin.stats.StatsSnapshot}, shared with the Prometheus metrics), its CSV rendering byte-compatible
 * with Debian's HAProxy 2.6 ({@link io.understudy.admin.stats.StatsCsvWriter}), the command's row filter and the
 * downtime bookkeeping the core does not keep. Reads only published snapshots and counters; never locks.
 */
package io.understudy.admin.stats;
