package io.understudy.admin.metrics;

import io.understudy.admin.metrics.Families.Family;
import io.understudy.admin.metrics.ProxyReading.BackendRow;
import io.understudy.admin.metrics.ProxyReading.CheckRow;
import io.understudy.admin.metrics.ProxyReading.ServerRow;
import io.understudy.admin.metrics.ProxyReading.Traffic;

/**
 * The {@code <prefix>_server_*} series of one scrape, named, labelled ({@code proxy}, {@code server}) and valued as
 * HAProxy's exporter does them.
 */
final class ServerFamilies {
    private static final String OBJ = "server";
    private static final String PROXY = "proxy";
    private static final String SERVER = "server";
    private static final String STATE = "state";

    private final Family status;
    private final Family current;
    private final Family max;
    private final Family limit;
    private final Family total;
    private final Family bytesIn;
    private final Family bytesOut;
    private final Family connectionErrors;
    private final Family retries;
    private final Family redispatches;
    private final Family loadBalanced;
    private final Family weight;
    private final Family uweight;
    private final Family checkFailures;
    private final Family checkUpDown;
    private final Family lastChange;
    private final Family checkStatus;
    private final Family checkCode;
    private final Family checkDuration;
    private final Family lastSession;
    private final Family connectAvg;
    private final Family totalAvg;
    private final Family connectMax;
    private final Family totalMax;

    /** Declares the families in HAProxy's order (its exporter walks the stats fields in column order). */
    ServerFamilies(Families f) {
        current = f.gauge(OBJ, "current_sessions", Help.CURRENT_SESSIONS, PROXY, SERVER);
        max = f.gauge(OBJ, "max_sessions", Help.MAX_SESSIONS, PROXY, SERVER);
        limit = f.gauge(OBJ, "limit_sessions", Help.LIMIT_SESSIONS, PROXY, SERVER);
        total = f.counter(OBJ, "sessions_total", Help.SESSIONS_TOTAL, PROXY, SERVER);
        bytesIn = f.counter(OBJ, "bytes_in_total", Help.BYTES_IN, PROXY, SERVER);
        bytesOut = f.counter(OBJ, "bytes_out_total", Help.BYTES_OUT, PROXY, SERVER);
        connectionErrors = f.counter(OBJ, "connection_errors_total", Help.CONNECTION_ERRORS, PROXY, SERVER);
        retries = f.counter(OBJ, "retry_warnings_total", Help.RETRY_WARNINGS, PROXY, SERVER);
        redispatches = f.counter(OBJ, "redispatch_warnings_total", Help.REDISPATCH_WARNINGS, PROXY, SERVER);
        status = f.gauge(OBJ, "status", Help.STATUS, PROXY, SERVER, STATE);
        weight = f.gauge(OBJ, "weight", Help.WEIGHT, PROXY, SERVER);
        checkFailures = f.counter(OBJ, "check_failures_total", Help.CHECK_FAILURES, PROXY, SERVER);
        checkUpDown = f.counter(OBJ, "check_up_down_total", Help.CHECK_UP_DOWN, PROXY, SERVER);
        lastChange = f.gauge(OBJ, "check_last_change_seconds", Help.LAST_CHANGE, PROXY, SERVER);
        loadBalanced = f.counter(OBJ, "loadbalanced_total", Help.LOADBALANCED, PROXY, SERVER);
        checkStatus = f.gauge(OBJ, "check_status", Help.CHECK_STATUS, PROXY, SERVER, STATE);
        checkCode = f.gauge(OBJ, "check_code", Help.CHECK_CODE, PROXY, SERVER);
        checkDuration = f.gauge(OBJ, "check_duration_seconds", Help.CHECK_DURATION, PROXY, SERVER);
        lastSession = f.gauge(OBJ, "last_session_seconds", Help.LAST_SESSION, PROXY, SERVER);
        connectAvg = f.gauge(OBJ, "connect_time_average_seconds", Help.CONNECT_TIME_AVG, PROXY, SERVER);
        totalAvg = f.gauge(OBJ, "total_time_average_seconds", Help.TOTAL_TIME_AVG, PROXY, SERVER);
        connectMax = f.gauge(OBJ, "max_connect_time_seconds", Help.CONNECT_TIME_MAX, PROXY, SERVER);
        totalMax = f.gauge(OBJ, "max_total_time_seconds", Help.TOTAL_TIME_MAX, PROXY, SERVER);
        uweight = f.gauge(OBJ, "uweight", Help.UWEIGHT, PROXY, SERVER);
    }

    /** Adds the samples of every server of {@code backends}. */
    void addAll(Iterable<BackendRow> backends, long nowMillis) {
        for (BackendRow b : backends) {
            for (ServerRow s : b.servers()) {
                add(s, nowMillis);
            }
        }
    }

    private void add(ServerRow s, long nowMillis) {
        String px = s.backend();
        String sv = s.name();
        Traffic t = s.traffic();
        current.add(t.current(), px, sv);
        max.add(t.max(), px, sv);
        // HAProxy prints NaN where show stat leaves the field empty: no maxconn means no limit.
        limit.add(s.maxconn() > 0 ? s.maxconn() : Double.NaN, px, sv);
        total.add(t.total(), px, sv);
        bytesIn.add(t.bytesIn(), px, sv);
        bytesOut.add(t.bytesOut(), px, sv);
        connectionErrors.add(t.connectErrors(), px, sv);
        retries.add(t.retries(), px, sv);
        redispatches.add(t.redispatches(), px, sv);
        for (String state : StateLabels.SERVER) {
            status.add(state.equals(s.status()) ? 1 : 0, px, sv, state);
        }
        weight.add(s.weight(), px, sv);
        uweight.add(s.weight(), px, sv);
        lastChange.add(SecondsSince.whole(nowMillis, s.lastChangeMillis()), px, sv);
        loadBalanced.add(t.loadBalanced(), px, sv);
        lastSession.add(t.lastSessionMillis() < 0 ? -1 : SecondsSince.whole(nowMillis, t.lastSessionMillis()), px, sv);
        connectAvg.add(t.connectTimeAvgMillis() / 1000.0, px, sv);
        totalAvg.add(t.totalTimeAvgMillis() / 1000.0, px, sv);
        connectMax.add(t.connectTimeMaxMillis() / 1000.0, px, sv);
        totalMax.add(t.totalTimeMaxMillis() / 1000.0, px, sv);
        s.check().ifPresent(c -> addCheck(c, px, sv));
    }

    /** Check series exist only for checked servers; like promex, none while checks are suspended. */
    private void addCheck(CheckRow c, String px, String sv) {
        checkFailures.add(c.failedChecks(), px, sv);
        checkUpDown.add(c.downTransitions(), px, sv);
        if (c.suspended()) {
            return;
        }
        for (String state : StateLabels.CHECK) {
            checkStatus.add(state.equals(c.status()) ? 1 : 0, px, sv, state);
        }
        c.code().ifPresent(code -> checkCode.add(code, px, sv));
        if (c.durationMillis() >= 0) {
            checkDuration.add(c.durationMillis() / 1000.0, px, sv);
        }
    }
}
