/**
 * The SQL health check: {@link io.understudy.checks.sql.SqlCheck} logs in with mysql-connector-j as an application
 * would, runs a query and gates servers on {@code read_only} and replication lag, blocking only threads of the bounded
 * {@link io.understudy.checks.sql.SqlCheckExecutor}.
 */
package io.understudy.checks.sql;
