package io.understudy.admin.metrics;

import static io.understudy.admin.stats.StatField.ACT;
import static io.understudy.admin.stats.StatField.BCK;
import static io.understudy.admin.stats.StatField.BIN;
import static io.understudy.admin.stats.StatField.BOUT;
import static io.understudy.admin.stats.StatField.CHECK_CODE;
import static io.understudy.admin.stats.StatField.CHECK_DURATION;
import static io.understudy.admin.stats.StatField.CHECK_STATUS;
import static io.understudy.admin.stats.StatField.CHKDOWN;
import static io.understudy.admin.stats.StatField.CHKFAIL;
import static io.understudy.admin.stats.StatField.CLI_ABRT;
import static io.understudy.admin.stats.StatField.CONNECT;
import static io.understudy.admin.stats.StatField.CONN_RATE_MAX;
import static io.understudy.admin.stats.StatField.CONN_TOT;
import static io.understudy.admin.stats.StatField.CTIME;
import static io.understudy.admin.stats.StatField.CTIME_MAX;
import static io.understudy.admin.stats.StatField.DCON;
import static io.understudy.admin.stats.StatField.DOWNTIME;
import static io.understudy.admin.stats.StatField.DREQ;
import static io.understudy.admin.stats.StatField.DRESP;
import static io.understudy.admin.stats.StatField.DSES;
import static io.understudy.admin.stats.StatField.ECON;
import static io.understudy.admin.stats.StatField.EINT;
import static io.understudy.admin.stats.StatField.EREQ;
import static io.understudy.admin.stats.StatField.ERESP;
import static io.understudy.admin.stats.StatField.IDLE_CONN_CUR;
import static io.understudy.admin.stats.StatField.LASTCHG;
import static io.understudy.admin.stats.StatField.LASTSESS;
import static io.understudy.admin.stats.StatField.LBTOT;
import static io.understudy.admin.stats.StatField.NEED_CONN_EST;
import static io.understudy.admin.stats.StatField.QCUR;
import static io.understudy.admin.stats.StatField.QLIMIT;
import static io.understudy.admin.stats.StatField.QMAX;
import static io.understudy.admin.stats.StatField.QTIME;
import static io.understudy.admin.stats.StatField.QTIME_MAX;
import static io.understudy.admin.stats.StatField.RATE_LIM;
import static io.understudy.admin.stats.StatField.RATE_MAX;
import static io.understudy.admin.stats.StatField.REUSE;
import static io.understudy.admin.stats.StatField.RTIME;
import static io.understudy.admin.stats.StatField.RTIME_MAX;
import static io.understudy.admin.stats.StatField.SAFE_CONN_CUR;
import static io.understudy.admin.stats.StatField.SCUR;
import static io.understudy.admin.stats.StatField.SLIM;
import static io.understudy.admin.stats.StatField.SMAX;
import static io.understudy.admin.stats.StatField.SRC_ILIM;
import static io.understudy.admin.stats.StatField.SRV_ABRT;
import static io.understudy.admin.stats.StatField.SRV_ICUR;
import static io.understudy.admin.stats.StatField.STATUS;
import static io.understudy.admin.stats.StatField.STOT;
import static io.understudy.admin.stats.StatField.THROTTLE;
import static io.understudy.admin.stats.StatField.TTIME;
import static io.understudy.admin.stats.StatField.TTIME_MAX;
import static io.understudy.admin.stats.StatField.USED_CONN_CUR;
import static io.understudy.admin.stats.StatField.UWEIGHT;
import static io.understudy.admin.stats.StatField.WEIGHT;
import static io.understudy.admin.stats.StatField.WREDIS;
import static io.understudy.admin.stats.StatField.WRETR;
import static io.understudy.admin.stats.StatField.WREW;

import io.understudy.admin.stats.StatField;
import java.util.List;

/**
 * One {@code show stat} column as HAProxy's exporter publishes it (reference §5.2): the CSV field, the metric suffix
 * after {@code <prefix>_<object>_}, its kind and HELP text. The tables list, per object, the columns a {@code mode
 * tcp} proxy has, in CSV order, which is the order HAProxy's exporter prints them in.
 *
 * @param field the CSV field read from the row; a row without a value for it gets no sample (except {@code slim})
 * @param suffix the metric name after {@code <prefix>_<object>_}
 * @param kind how the value becomes samples
 * @param help HAProxy's HELP text
 */
record Column(StatField field, String suffix, Kind kind, String help) {
    /** How a column's value becomes samples. */
    enum Kind {
        GAUGE,
        COUNTER,
        /** A time the row holds in milliseconds, published in seconds. */
        MILLIS_AS_SECONDS,
        /** A limit HAProxy prints as NaN when the row has none. */
        LIMIT,
        /** One 0/1 series per {@code state} label value, from the row's coarse state. */
        STATE,
        /** One 0/1 series per check code, from the row's check status; none while check columns are hidden. */
        CHECK_STATE
    }

    static final List<Column> FRONTEND = List.of(
            new Column(SCUR, "current_sessions", Kind.GAUGE, Help.CURRENT_SESSIONS),
            new Column(SMAX, "max_sessions", Kind.GAUGE, Help.MAX_SESSIONS),
            new Column(SLIM, "limit_sessions", Kind.LIMIT, Help.LIMIT_SESSIONS),
            new Column(STOT, "sessions_total", Kind.COUNTER, Help.SESSIONS_TOTAL),
            new Column(RATE_MAX, "max_session_rate", Kind.GAUGE, Help.MAX_SESSION_RATE),
            new Column(BIN, "bytes_in_total", Kind.COUNTER, Help.BYTES_IN),
            new Column(BOUT, "bytes_out_total", Kind.COUNTER, Help.BYTES_OUT),
            new Column(DREQ, "requests_denied_total", Kind.COUNTER, Help.REQUESTS_DENIED),
            new Column(DRESP, "responses_denied_total", Kind.COUNTER, Help.RESPONSES_DENIED),
            new Column(EREQ, "request_errors_total", Kind.COUNTER, Help.REQUEST_ERRORS),
            new Column(STATUS, "status", Kind.STATE, Help.STATUS),
            new Column(RATE_LIM, "limit_session_rate", Kind.GAUGE, Help.LIMIT_SESSION_RATE),
            new Column(CONN_TOT, "connections_total", Kind.COUNTER, Help.FE_CONNECTIONS_TOTAL),
            new Column(CONN_RATE_MAX, "connections_rate_max", Kind.GAUGE, Help.CONNECTIONS_RATE_MAX),
            new Column(DCON, "denied_connections_total", Kind.COUNTER, Help.DENIED_CONNECTIONS),
            new Column(DSES, "denied_sessions_total", Kind.COUNTER, Help.DENIED_SESSIONS),
            new Column(WREW, "failed_header_rewriting_total", Kind.COUNTER, Help.FAILED_REWRITES),
            new Column(EINT, "internal_errors_total", Kind.COUNTER, Help.INTERNAL_ERRORS));

    static final List<Column> BACKEND = List.of(
            new Column(QCUR, "current_queue", Kind.GAUGE, Help.CURRENT_QUEUE),
            new Column(QMAX, "max_queue", Kind.GAUGE, Help.MAX_QUEUE),
            new Column(SCUR, "current_sessions", Kind.GAUGE, Help.CURRENT_SESSIONS),
            new Column(SMAX, "max_sessions", Kind.GAUGE, Help.MAX_SESSIONS),
            new Column(SLIM, "limit_sessions", Kind.LIMIT, Help.LIMIT_SESSIONS),
            new Column(STOT, "sessions_total", Kind.COUNTER, Help.SESSIONS_TOTAL),
            new Column(RATE_MAX, "max_session_rate", Kind.GAUGE, Help.MAX_SESSION_RATE),
            new Column(BIN, "bytes_in_total", Kind.COUNTER, Help.BYTES_IN),
            new Column(BOUT, "bytes_out_total", Kind.COUNTER, Help.BYTES_OUT),
            new Column(DREQ, "requests_denied_total", Kind.COUNTER, Help.REQUESTS_DENIED),
            new Column(DRESP, "responses_denied_total", Kind.COUNTER, Help.RESPONSES_DENIED),
            new Column(ECON, "connection_errors_total", Kind.COUNTER, Help.CONNECTION_ERRORS),
            new Column(ERESP, "response_errors_total", Kind.COUNTER, Help.RESPONSE_ERRORS),
            new Column(WRETR, "retry_warnings_total", Kind.COUNTER, Help.RETRY_WARNINGS),
            new Column(WREDIS, "redispatch_warnings_total", Kind.COUNTER, Help.REDISPATCH_WARNINGS),
            new Column(STATUS, "status", Kind.STATE, Help.STATUS),
            new Column(WEIGHT, "weight", Kind.GAUGE, Help.WEIGHT),
            new Column(ACT, "active_servers", Kind.GAUGE, Help.ACTIVE_SERVERS),
            new Column(BCK, "backup_servers", Kind.GAUGE, Help.BACKUP_SERVERS),
            new Column(CHKDOWN, "check_up_down_total", Kind.COUNTER, Help.CHECK_UP_DOWN),
            new Column(LASTCHG, "check_last_change_seconds", Kind.GAUGE, Help.LAST_CHANGE),
            new Column(DOWNTIME, "downtime_seconds_total", Kind.COUNTER, Help.DOWNTIME),
            new Column(LBTOT, "loadbalanced_total", Kind.COUNTER, Help.LOADBALANCED),
            new Column(CLI_ABRT, "client_aborts_total", Kind.COUNTER, Help.CLIENT_ABORTS),
            new Column(SRV_ABRT, "server_aborts_total", Kind.COUNTER, Help.SERVER_ABORTS),
            new Column(LASTSESS, "last_session_seconds", Kind.GAUGE, Help.LAST_SESSION),
            new Column(QTIME, "queue_time_average_seconds", Kind.MILLIS_AS_SECONDS, Help.QUEUE_TIME_AVG),
            new Column(CTIME, "connect_time_average_seconds", Kind.MILLIS_AS_SECONDS, Help.CONNECT_TIME_AVG),
            new Column(RTIME, "response_time_average_seconds", Kind.MILLIS_AS_SECONDS, Help.RESPONSE_TIME_AVG),
            new Column(TTIME, "total_time_average_seconds", Kind.MILLIS_AS_SECONDS, Help.TOTAL_TIME_AVG),
            new Column(WREW, "failed_header_rewriting_total", Kind.COUNTER, Help.FAILED_REWRITES),
            new Column(CONNECT, "connection_attempts_total", Kind.COUNTER, Help.CONNECTION_ATTEMPTS),
            new Column(REUSE, "connection_reuses_total", Kind.COUNTER, Help.CONNECTION_REUSES),
            new Column(QTIME_MAX, "max_queue_time_seconds", Kind.MILLIS_AS_SECONDS, Help.QUEUE_TIME_MAX),
            new Column(CTIME_MAX, "max_connect_time_seconds", Kind.MILLIS_AS_SECONDS, Help.CONNECT_TIME_MAX),
            new Column(RTIME_MAX, "max_response_time_seconds", Kind.MILLIS_AS_SECONDS, Help.RESPONSE_TIME_MAX),
            new Column(TTIME_MAX, "max_total_time_seconds", Kind.MILLIS_AS_SECONDS, Help.TOTAL_TIME_MAX),
            new Column(EINT, "internal_errors_total", Kind.COUNTER, Help.INTERNAL_ERRORS),
            new Column(UWEIGHT, "uweight", Kind.GAUGE, Help.UWEIGHT));

    static final List<Column> SERVER = List.of(
            new Column(QCUR, "current_queue", Kind.GAUGE, Help.CURRENT_QUEUE),
            new Column(QMAX, "max_queue", Kind.GAUGE, Help.MAX_QUEUE),
            new Column(SCUR, "current_sessions", Kind.GAUGE, Help.CURRENT_SESSIONS),
            new Column(SMAX, "max_sessions", Kind.GAUGE, Help.MAX_SESSIONS),
            new Column(SLIM, "limit_sessions", Kind.LIMIT, Help.LIMIT_SESSIONS),
            new Column(STOT, "sessions_total", Kind.COUNTER, Help.SESSIONS_TOTAL),
            new Column(RATE_MAX, "max_session_rate", Kind.GAUGE, Help.MAX_SESSION_RATE),
            new Column(BIN, "bytes_in_total", Kind.COUNTER, Help.BYTES_IN),
            new Column(BOUT, "bytes_out_total", Kind.COUNTER, Help.BYTES_OUT),
            new Column(DRESP, "responses_denied_total", Kind.COUNTER, Help.RESPONSES_DENIED),
            new Column(ECON, "connection_errors_total", Kind.COUNTER, Help.CONNECTION_ERRORS),
            new Column(ERESP, "response_errors_total", Kind.COUNTER, Help.RESPONSE_ERRORS),
            new Column(WRETR, "retry_warnings_total", Kind.COUNTER, Help.RETRY_WARNINGS),
            new Column(WREDIS, "redispatch_warnings_total", Kind.COUNTER, Help.REDISPATCH_WARNINGS),
            new Column(STATUS, "status", Kind.STATE, Help.STATUS),
            new Column(WEIGHT, "weight", Kind.GAUGE, Help.WEIGHT),
            new Column(CHKFAIL, "check_failures_total", Kind.COUNTER, Help.CHECK_FAILURES),
            new Column(CHKDOWN, "check_up_down_total", Kind.COUNTER, Help.CHECK_UP_DOWN),
            new Column(LASTCHG, "check_last_change_seconds", Kind.GAUGE, Help.LAST_CHANGE),
            new Column(DOWNTIME, "downtime_seconds_total", Kind.COUNTER, Help.DOWNTIME),
            // No per-server queue and no slowstart: HAProxy's exporter prints NaN for both then, and so do we.
            new Column(QLIMIT, "queue_limit", Kind.LIMIT, Help.QUEUE_LIMIT),
            new Column(THROTTLE, "current_throttle", Kind.LIMIT, Help.CURRENT_THROTTLE),
            new Column(LBTOT, "loadbalanced_total", Kind.COUNTER, Help.LOADBALANCED),
            new Column(CHECK_STATUS, "check_status", Kind.CHECK_STATE, Help.CHECK_STATUS),
            new Column(CHECK_CODE, "check_code", Kind.GAUGE, Help.CHECK_CODE),
            new Column(CHECK_DURATION, "check_duration_seconds", Kind.MILLIS_AS_SECONDS, Help.CHECK_DURATION),
            new Column(CLI_ABRT, "client_aborts_total", Kind.COUNTER, Help.CLIENT_ABORTS),
            new Column(SRV_ABRT, "server_aborts_total", Kind.COUNTER, Help.SERVER_ABORTS),
            new Column(LASTSESS, "last_session_seconds", Kind.GAUGE, Help.LAST_SESSION),
            new Column(QTIME, "queue_time_average_seconds", Kind.MILLIS_AS_SECONDS, Help.QUEUE_TIME_AVG),
            new Column(CTIME, "connect_time_average_seconds", Kind.MILLIS_AS_SECONDS, Help.CONNECT_TIME_AVG),
            new Column(RTIME, "response_time_average_seconds", Kind.MILLIS_AS_SECONDS, Help.RESPONSE_TIME_AVG),
            new Column(TTIME, "total_time_average_seconds", Kind.MILLIS_AS_SECONDS, Help.TOTAL_TIME_AVG),
            new Column(WREW, "failed_header_rewriting_total", Kind.COUNTER, Help.FAILED_REWRITES),
            new Column(CONNECT, "connection_attempts_total", Kind.COUNTER, Help.CONNECTION_ATTEMPTS),
            new Column(REUSE, "connection_reuses_total", Kind.COUNTER, Help.CONNECTION_REUSES),
            new Column(SRV_ICUR, "idle_connections_current", Kind.GAUGE, Help.IDLE_CONNECTIONS),
            // No idle-connection pool, so no limit on one: NaN, as HAProxy prints without pool-max-conn.
            new Column(SRC_ILIM, "idle_connections_limit", Kind.LIMIT, Help.IDLE_CONNECTIONS_LIMIT),
            new Column(QTIME_MAX, "max_queue_time_seconds", Kind.MILLIS_AS_SECONDS, Help.QUEUE_TIME_MAX),
            new Column(CTIME_MAX, "max_connect_time_seconds", Kind.MILLIS_AS_SECONDS, Help.CONNECT_TIME_MAX),
            new Column(RTIME_MAX, "max_response_time_seconds", Kind.MILLIS_AS_SECONDS, Help.RESPONSE_TIME_MAX),
            new Column(TTIME_MAX, "max_total_time_seconds", Kind.MILLIS_AS_SECONDS, Help.TOTAL_TIME_MAX),
            new Column(EINT, "internal_errors_total", Kind.COUNTER, Help.INTERNAL_ERRORS),
            new Column(IDLE_CONN_CUR, "unsafe_idle_connections_current", Kind.GAUGE, Help.UNSAFE_IDLE),
            new Column(SAFE_CONN_CUR, "safe_idle_connections_current", Kind.GAUGE, Help.SAFE_IDLE),
            new Column(USED_CONN_CUR, "used_connections_current", Kind.GAUGE, Help.USED_CONNECTIONS),
            new Column(NEED_CONN_EST, "need_connections_current", Kind.GAUGE, Help.NEED_CONNECTIONS),
            new Column(UWEIGHT, "uweight", Kind.GAUGE, Help.UWEIGHT));
}
