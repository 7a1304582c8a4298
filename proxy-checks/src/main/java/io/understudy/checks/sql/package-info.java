/**
 * The SQL health check: {@link io.understudy.checks.sql.SqlCheck} logs in with mysql-connector-j as an application
 * would, runs a query and gates servers on {@code read_only} and replication lag, blocking only threads of the bounded
 * {@link io.understudy.checks.sql.SqlCheckExecutor}. With the same login,
 * {@link io.understudy.checks.sql.ReplicationCatchUp} tells a graceful switchover when the new server has applied
 * everything the old one committed (GTID positions), failing with a {@link io.understudy.checks.sql.CatchUpException}
 * that says why it has not.
 */
package io.understudy.checks.sql;
