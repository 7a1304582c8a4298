package io.understudy.admin.metrics;

/**
 * The HELP texts of the series HAProxy's exporter also has, word for word (HAProxy's stats field descriptions), so
 * that a dashboard's tooltips read the same with either proxy.
 */
final class Help {
    static final String STATUS = "Current status of the service, per state label value.";
    static final String CURRENT_SESSIONS = "Number of current sessions on the frontend, backend or server";
    static final String MAX_SESSIONS = "Highest value of current sessions encountered since process started";
    static final String LIMIT_SESSIONS = "Frontend/listener/server's maxconn, backend's fullconn";
    static final String SESSIONS_TOTAL = "Total number of sessions since process started";
    static final String MAX_SESSION_RATE =
            "Highest value of sessions per second observed since the worker process started";
    static final String CONNECTIONS_RATE_MAX =
            "Highest value of connections per second observed since the worker process started";
    static final String BYTES_IN = "Total number of request bytes since process started";
    static final String BYTES_OUT = "Total number of response bytes since process started";
    static final String CONNECTION_ERRORS =
            "Total number of failed connections to server since the worker process started";
    static final String RETRY_WARNINGS = "Total number of server connection retries since the worker process started";
    static final String REDISPATCH_WARNINGS =
            "Total number of server redispatches due to connection failures since the worker process started";
    static final String LOADBALANCED = "Total number of requests routed by load balancing since the worker process"
            + " started (ignores queue pop and stickiness)";
    static final String WEIGHT = "Server's effective weight, or sum of active servers' effective weights for a backend";
    static final String UWEIGHT = "Server's user weight, or sum of active servers' user weights for a backend";
    static final String ACTIVE_SERVERS = "Total number of active UP servers with a non-zero weight";
    static final String BACKUP_SERVERS = "Total number of backup UP servers with a non-zero weight";
    static final String CHECK_FAILURES =
            "Total number of failed individual health checks per server/backend, since the" + " worker process started";
    static final String CHECK_UP_DOWN = "Total number of failed checks causing UP to DOWN server transitions, per"
            + " server/backend, since the worker process started";
    static final String LAST_CHANGE = "How long ago the last server state changed, in seconds";
    static final String CHECK_STATUS = "Status of last health check, per state label value.";
    static final String CHECK_CODE = "layer5-7 code, if available of the last health check.";
    static final String CHECK_DURATION = "Total duration of the latest server health check, in seconds.";
    static final String LAST_SESSION =
            "How long ago some traffic was seen on this object on this worker process, in seconds";
    static final String CONNECT_TIME_AVG = "Avg. connect time for last 1024 successful connections.";
    static final String TOTAL_TIME_AVG = "Avg. total time for last 1024 successful connections.";
    static final String CONNECT_TIME_MAX = "Maximum observed time spent waiting for a connection to complete";
    static final String TOTAL_TIME_MAX =
            "Maximum observed total request+response time (request+queue+connect+response+processing)";
    static final String AGG_SERVER_STATUS = "Backend's aggregated gauge of servers' status";
    /** HAProxy 2.6 prints this text for both {@code agg_server_check_status} and {@code agg_check_status}. */
    static final String AGG_CHECK_STATUS = "Backend's aggregated gauge of servers' state check status";

    static final String QUEUE_LIMIT =
            "Limit on the number of connections in queue, for servers only (maxqueue argument)";
    static final String CURRENT_THROTTLE =
            "Throttling ratio applied to a server's maxconn and weight during the" + " slowstart period (0 to 100%)";
    static final String IDLE_CONNECTIONS_LIMIT =
            "Limit on the number of available idle connections on this server" + " (server 'pool_max_conn' directive)";
    static final String FE_CONNECTIONS_TOTAL =
            "Total number of new connections accepted on this frontend since the worker process started";

    static final String CURRENT_QUEUE = "Number of current queued connections";
    static final String MAX_QUEUE = "Highest value of queued connections encountered since process started";
    static final String REQUESTS_DENIED = "Total number of denied requests since process started";
    static final String RESPONSES_DENIED = "Total number of denied responses since process started";
    static final String LIMIT_SESSION_RATE =
            "Limit on the number of sessions accepted in a second (frontend only, 'rate-limit sessions' setting)";
    static final String DENIED_CONNECTIONS = "Total number of incoming connections blocked on a listener/frontend by a"
            + " tcp-request connection rule since the worker process started";
    static final String DENIED_SESSIONS = "Total number of incoming sessions blocked on a listener/frontend by a"
            + " tcp-request connection rule since the worker process started";
    static final String FAILED_REWRITES =
            "Total number of failed HTTP header rewrites since the worker process started";
    static final String DOWNTIME = "Total time spent in DOWN state, for server or backend";
    static final String QUEUE_TIME_AVG = "Avg. queue time for last 1024 successful connections.";
    static final String RESPONSE_TIME_AVG = "Avg. response time for last 1024 successful connections.";
    static final String CONNECTION_REUSES =
            "Total number of reused connection on this backend/server since the worker process started";
    static final String IDLE_CONNECTIONS = "Current number of idle connections available for reuse on this server";
    static final String QUEUE_TIME_MAX = "Maximum observed time spent in the queue";
    static final String RESPONSE_TIME_MAX = "Maximum observed time spent waiting for a server response";
    static final String UNSAFE_IDLE = "Current number of unsafe idle connections";
    static final String SAFE_IDLE = "Current number of safe idle connections";
    static final String USED_CONNECTIONS = "Current number of connections in use";
    static final String REQUEST_ERRORS = "Total number of invalid requests since process started";
    static final String INTERNAL_ERRORS = "Total number of internal errors since process started";
    static final String RESPONSE_ERRORS = "Total number of invalid responses since the worker process started";
    static final String CLIENT_ABORTS =
            "Total number of requests or connections aborted by the client since the worker process started";
    static final String SERVER_ABORTS =
            "Total number of requests or connections aborted by the server since the worker process started";
    static final String CONNECTION_ATTEMPTS =
            "Total number of outgoing connection attempts on this backend/server since the worker process started";
    static final String NEED_CONNECTIONS = "Estimated needed number of connections";

    static final String NBTHREAD = "Number of started threads (global.nbthread)";
    static final String NBPROC = "Number of started worker processes (historical, always 1)";
    static final String RELATIVE_PROCESS_ID = "Relative worker process number (1)";
    static final String START_TIME = "Start time in seconds";
    static final String UPTIME = "How long ago this worker process was started (seconds)";
    static final String CURRENT_CONNECTIONS = "Current number of connections on this worker process";
    static final String CONNECTIONS_TOTAL = "Total number of connections on this worker process since started";
    static final String LISTENERS = "Current number of active listeners on the current worker process";
    static final String BUILD_INFO = "Build info";

    private Help() {}
}
