package io.understudy.admin.metrics;

import io.understudy.admin.info.InfoField;
import java.util.List;

/**
 * A {@code show info} field as HAProxy 2.6's exporter publishes it: {@code <prefix>_process_<suffix>}, counter or
 * gauge, with HAProxy's HELP text (taken from a scrape of Debian's HAProxy 2.6). HAProxy types
 * {@code failed_resolutions} as a counter without the {@code _total} suffix, which the Prometheus client refuses; it is
 * a gauge here, with the same name and value. A {@code null} field (zlib memory) is a feature Understudy does not have:
 * 0, as HAProxy prints it without one.
 */
record InfoMetric(InfoField field, String suffix, boolean counter, String help) {
    /** The process series HAProxy's exporter prints besides those {@link ProxyFamilies} writes itself, in its order. */
    static final List<InfoMetric> ALL = List.of(
            new InfoMetric(
                    InfoField.POOL_FAILED,
                    "pool_failures_total",
                    true,
                    "Number of failed pool allocations since this worker was started"),
            new InfoMetric(
                    InfoField.ULIMIT_N, "max_fds", false, "Hard limit on the number of per-process file descriptors"),
            new InfoMetric(InfoField.MAXSOCK, "max_sockets", false, "Hard limit on the number of per-process sockets"),
            new InfoMetric(
                    InfoField.MAXCONN,
                    "max_connections",
                    false,
                    "Hard limit on the number of per-process connections (configured or imposed by Ulimit-n)"),
            new InfoMetric(
                    InfoField.HARD_MAXCONN,
                    "hard_max_connections",
                    false,
                    "Hard limit on the number of per-process connections (imposed by Memmax_MB or Ulimit-n)"),
            new InfoMetric(
                    InfoField.CUM_REQ,
                    "requests_total",
                    true,
                    "Total number of requests on this worker process since started"),
            new InfoMetric(
                    InfoField.MAX_SSL_CONNS,
                    "max_ssl_connections",
                    false,
                    "Hard limit on the number of per-process SSL endpoints (front+back), 0=unlimited"),
            new InfoMetric(
                    InfoField.CURR_SSL_CONNS,
                    "current_ssl_connections",
                    false,
                    "Current number of SSL endpoints on this worker process (front+back)"),
            new InfoMetric(
                    InfoField.CUM_SSL_CONNS,
                    "ssl_connections_total",
                    true,
                    "Total number of SSL endpoints on this worker process since started (front+back)"),
            new InfoMetric(
                    InfoField.MAXPIPES,
                    "max_pipes",
                    false,
                    "Hard limit on the number of pipes for splicing, 0=unlimited"),
            new InfoMetric(
                    InfoField.PIPES_USED,
                    "pipes_used_total",
                    true,
                    "Current number of pipes in use in this worker process"),
            new InfoMetric(
                    InfoField.PIPES_FREE,
                    "pipes_free_total",
                    true,
                    "Current number of allocated and available pipes in this worker process"),
            new InfoMetric(
                    InfoField.CONN_RATE,
                    "current_connection_rate",
                    false,
                    "Number of front connections created on this worker process over the last second"),
            new InfoMetric(
                    InfoField.CONN_RATE_LIMIT,
                    "limit_connection_rate",
                    false,
                    "Hard limit for ConnRate (global.maxconnrate)"),
            new InfoMetric(
                    InfoField.MAX_CONN_RATE,
                    "max_connection_rate",
                    false,
                    "Highest ConnRate reached on this worker process since started (in connections per second)"),
            new InfoMetric(
                    InfoField.SESS_RATE,
                    "current_session_rate",
                    false,
                    "Number of sessions created on this worker process over the last second"),
            new InfoMetric(
                    InfoField.SESS_RATE_LIMIT,
                    "limit_session_rate",
                    false,
                    "Hard limit for SessRate (global.maxsessrate)"),
            new InfoMetric(
                    InfoField.MAX_SESS_RATE,
                    "max_session_rate",
                    false,
                    "Highest SessRate reached on this worker process since started (in sessions per second)"),
            new InfoMetric(
                    InfoField.SSL_RATE,
                    "current_ssl_rate",
                    false,
                    "Number of SSL connections created on this worker process over the last second"),
            new InfoMetric(
                    InfoField.SSL_RATE_LIMIT, "limit_ssl_rate", false, "Hard limit for SslRate (global.maxsslrate)"),
            new InfoMetric(
                    InfoField.MAX_SSL_RATE,
                    "max_ssl_rate",
                    false,
                    "Highest SslRate reached on this worker process since started (in connections per second)"),
            new InfoMetric(
                    InfoField.SSL_FRONTEND_KEY_RATE,
                    "current_frontend_ssl_key_rate",
                    false,
                    "Number of SSL keys created on frontends in this worker process over the last second"),
            new InfoMetric(
                    InfoField.SSL_FRONTEND_MAX_KEY_RATE,
                    "max_frontend_ssl_key_rate",
                    false,
                    "Highest SslFrontendKeyRate reached on this worker process since started (in SSL keys per second)"),
            new InfoMetric(
                    InfoField.SSL_FRONTEND_SESSION_REUSE_PCT,
                    "frontend_ssl_reuse",
                    false,
                    "Percent of frontend SSL connections which did not require a new key"),
            new InfoMetric(
                    InfoField.SSL_BACKEND_KEY_RATE,
                    "current_backend_ssl_key_rate",
                    false,
                    "Number of SSL keys created on backends in this worker process over the last second"),
            new InfoMetric(
                    InfoField.SSL_BACKEND_MAX_KEY_RATE,
                    "max_backend_ssl_key_rate",
                    false,
                    "Highest SslBackendKeyRate reached on this worker process since started (in SSL keys per second)"),
            new InfoMetric(
                    InfoField.SSL_CACHE_LOOKUPS,
                    "ssl_cache_lookups_total",
                    true,
                    "Total number of SSL session ID lookups in the SSL session cache on this worker since started"),
            new InfoMetric(
                    InfoField.SSL_CACHE_MISSES,
                    "ssl_cache_misses_total",
                    true,
                    "Total number of SSL session ID lookups that didn't find a session in the SSL session cache on this worker since started"),
            new InfoMetric(
                    InfoField.COMPRESS_BPS_IN,
                    "http_comp_bytes_in_total",
                    true,
                    "Number of bytes submitted to the HTTP compressor in this worker process over the last second"),
            new InfoMetric(
                    InfoField.COMPRESS_BPS_OUT,
                    "http_comp_bytes_out_total",
                    true,
                    "Number of bytes emitted by the HTTP compressor in this worker process over the last second"),
            new InfoMetric(
                    InfoField.COMPRESS_BPS_RATE_LIM,
                    "limit_http_comp",
                    false,
                    "Limit of CompressBpsOut beyond which HTTP compression is automatically disabled"),
            new InfoMetric(
                    null,
                    "current_zlib_memory",
                    false,
                    "Amount of memory currently used by HTTP compression on the current worker process (in bytes)"),
            new InfoMetric(
                    null,
                    "max_zlib_memory",
                    false,
                    "Limit on the amount of memory used by HTTP compression above which it is automatically disabled (in bytes, see global.maxzlibmem)"),
            new InfoMetric(
                    InfoField.TASKS,
                    "current_tasks",
                    false,
                    "Total number of tasks in the current worker process (active + sleeping)"),
            new InfoMetric(
                    InfoField.RUN_QUEUE,
                    "current_run_queue",
                    false,
                    "Total number of active tasks+tasklets in the current worker process"),
            new InfoMetric(
                    InfoField.IDLE_PCT,
                    "idle_time_percent",
                    false,
                    "Percentage of last second spent waiting in the current worker thread"),
            new InfoMetric(
                    InfoField.STOPPING,
                    "stopping",
                    false,
                    "1 if the worker process is currently stopping, otherwise zero"),
            new InfoMetric(
                    InfoField.JOBS,
                    "jobs",
                    false,
                    "Current number of active jobs on the current worker process (frontend connections, master connections, listeners)"),
            new InfoMetric(
                    InfoField.UNSTOPPABLE_JOBS,
                    "unstoppable_jobs",
                    false,
                    "Current number of unstoppable jobs on the current worker process (master connections)"),
            new InfoMetric(
                    InfoField.ACTIVE_PEERS,
                    "active_peers",
                    false,
                    "Current number of verified active peers connections on the current worker process"),
            new InfoMetric(
                    InfoField.CONNECTED_PEERS,
                    "connected_peers",
                    false,
                    "Current number of peers having passed the connection step on the current worker process"),
            new InfoMetric(
                    InfoField.DROPPED_LOGS,
                    "dropped_logs_total",
                    true,
                    "Total number of dropped logs for current worker process since started"),
            new InfoMetric(
                    InfoField.BUSY_POLLING,
                    "busy_polling_enabled",
                    false,
                    "1 if busy-polling is currently in use on the worker process, otherwise zero (config.busy-polling)"),
            new InfoMetric(
                    InfoField.FAILED_RESOLUTIONS,
                    "failed_resolutions",
                    false,
                    "Total number of failed DNS resolutions in current worker process since started"),
            new InfoMetric(
                    InfoField.TOTAL_BYTES_OUT,
                    "bytes_out_total",
                    true,
                    "Total number of bytes emitted by current worker process since started"),
            new InfoMetric(
                    InfoField.TOTAL_SPLICDED_BYTES_OUT,
                    "spliced_bytes_out_total",
                    true,
                    "Total number of bytes emitted by current worker process through a kernel pipe since started"),
            new InfoMetric(
                    InfoField.BYTES_OUT_RATE,
                    "bytes_out_rate",
                    false,
                    "Number of bytes emitted by current worker process over the last second"),
            new InfoMetric(
                    InfoField.CUM_RECV_LOGS,
                    "recv_logs_total",
                    true,
                    "Total number of log messages received by log-forwarding listeners on this worker process since started"),
            new InfoMetric(
                    InfoField.MEMMAX_BYTES,
                    "max_memory_bytes",
                    false,
                    "Worker process's hard limit on memory usage in byes (-m on command line)"),
            new InfoMetric(
                    InfoField.POOL_ALLOC_BYTES,
                    "pool_allocated_bytes",
                    false,
                    "Amount of memory allocated in pools (in bytes)"),
            new InfoMetric(
                    InfoField.POOL_USED_BYTES,
                    "pool_used_bytes",
                    false,
                    "Amount of pool memory currently used (in bytes)"));
}
