package io.understudy.admin.metrics;

import io.understudy.admin.metrics.Families.Family;
import io.understudy.admin.metrics.ProxyReading.BackendRow;
import io.understudy.admin.metrics.ProxyReading.FrontendRow;
import io.understudy.admin.metrics.ProxyReading.ServerRow;
import io.understudy.admin.metrics.ProxyReading.Traffic;
import java.util.Map;
import java.util.OptionalLong;

/**
 * The process, frontend and backend series of one scrape: HAProxy's {@code <prefix>_process_*},
 * {@code <prefix>_frontend_*} and {@code <prefix>_backend_*} (label {@code proxy}), plus what Understudy adds about
 * failover and how sessions end.
 */
final class ProxyFamilies {
    static final String FAILOVERS_HELP = "Total number of failovers since the worker process started: times new"
            + " sessions started going to a server they were not going to before (a backup, the active server again"
            + " after a failback, or a server an operator moved the traffic to)";
    static final String LAST_FAILOVER_HELP =
            "How long ago the last failover happened, in seconds; absent until the first failover";
    static final String ACTIVE_SERVER_HELP = "Servers new sessions of the backend go to now, 1 each (the balance"
            + " algorithm picks among them when there are several)";
    static final String TERMINATED_HELP =
            "Total number of sessions ended since the worker process started, per termination cause";

    private static final String PROXY = "proxy";

    private ProxyFamilies() {}

    static void addProcess(Families f, ProxyReading r) {
        ProxyReading.Process p = r.process();
        long current = 0;
        long total = 0;
        int listening = 0;
        for (FrontendRow fe : r.frontends()) {
            current += fe.traffic().current();
            total += fe.traffic().total();
            listening += fe.status().equals("STOP") ? 0 : 1;
        }
        f.gauge("process", "nbthread", Help.NBTHREAD).add(p.ioThreads());
        f.gauge("process", "nbproc", Help.NBPROC).add(1);
        f.gauge("process", "relative_process_id", Help.RELATIVE_PROCESS_ID).add(1);
        f.gauge("process", "uptime_seconds", Help.UPTIME).add(SecondsSince.whole(r.nowMillis(), p.startMillis()));
        f.gauge("process", "start_time_seconds", Help.START_TIME).add(p.startMillis() / 1000);
        f.gauge("process", "current_connections", Help.CURRENT_CONNECTIONS).add(current);
        f.counter("process", "connections_total", Help.CONNECTIONS_TOTAL).add(total);
        f.gauge("process", "listeners", Help.LISTENERS).add(listening);
        f.gauge("process", "build_info", Help.BUILD_INFO, "version").add(1, p.version());
        Family ended = f.counter("sessions", "terminated_total", TERMINATED_HELP, "cause");
        for (Map.Entry<String, Long> e : p.endedByCause().entrySet()) {
            ended.add(e.getValue(), e.getKey());
        }
    }

    static void addFrontends(Families f, ProxyReading r) {
        Family status = f.gauge("frontend", "status", Help.STATUS, PROXY, "state");
        Family current = f.gauge("frontend", "current_sessions", Help.CURRENT_SESSIONS, PROXY);
        Family max = f.gauge("frontend", "max_sessions", Help.MAX_SESSIONS, PROXY);
        Family limit = f.gauge("frontend", "limit_sessions", Help.LIMIT_SESSIONS, PROXY);
        Family total = f.counter("frontend", "sessions_total", Help.SESSIONS_TOTAL, PROXY);
        Family in = f.counter("frontend", "bytes_in_total", Help.BYTES_IN, PROXY);
        Family out = f.counter("frontend", "bytes_out_total", Help.BYTES_OUT, PROXY);
        Family connections = f.counter("frontend", "connections_total", Help.FE_CONNECTIONS_TOTAL, PROXY);
        for (FrontendRow fe : r.frontends()) {
            String px = fe.name();
            // promex: a frontend is UP unless stopped; FULL still listens.
            boolean up = !fe.status().equals("STOP");
            for (String state : StateLabels.PROXY) {
                status.add(state.equals("UP") == up ? 1 : 0, px, state);
            }
            Traffic t = fe.traffic();
            current.add(t.current(), px);
            max.add(t.max(), px);
            limit.add(fe.maxconn() > 0 ? fe.maxconn() : Double.NaN, px);
            total.add(t.total(), px);
            in.add(t.bytesIn(), px);
            out.add(t.bytesOut(), px);
            // Every accepted connection becomes a session: there are no tcp-request rules to reject one before.
            connections.add(t.total(), px);
        }
    }

    static void addBackends(Families f, ProxyReading r, FailoverTracker failovers, long nowNanos) {
        Family status = f.gauge("backend", "status", Help.STATUS, PROXY, "state");
        Family current = f.gauge("backend", "current_sessions", Help.CURRENT_SESSIONS, PROXY);
        Family max = f.gauge("backend", "max_sessions", Help.MAX_SESSIONS, PROXY);
        Family total = f.counter("backend", "sessions_total", Help.SESSIONS_TOTAL, PROXY);
        Family in = f.counter("backend", "bytes_in_total", Help.BYTES_IN, PROXY);
        Family out = f.counter("backend", "bytes_out_total", Help.BYTES_OUT, PROXY);
        Family econ = f.counter("backend", "connection_errors_total", Help.CONNECTION_ERRORS, PROXY);
        Family retries = f.counter("backend", "retry_warnings_total", Help.RETRY_WARNINGS, PROXY);
        Family redisp = f.counter("backend", "redispatch_warnings_total", Help.REDISPATCH_WARNINGS, PROXY);
        Family weight = f.gauge("backend", "weight", Help.WEIGHT, PROXY);
        Family active = f.gauge("backend", "active_servers", Help.ACTIVE_SERVERS, PROXY);
        Family backup = f.gauge("backend", "backup_servers", Help.BACKUP_SERVERS, PROXY);
        Family lastChange = f.gauge("backend", "check_last_change_seconds", Help.LAST_CHANGE, PROXY);
        Family lbtot = f.counter("backend", "loadbalanced_total", Help.LOADBALANCED, PROXY);
        Family lastSession = f.gauge("backend", "last_session_seconds", Help.LAST_SESSION, PROXY);
        Family connectAvg = f.gauge("backend", "connect_time_average_seconds", Help.CONNECT_TIME_AVG, PROXY);
        Family totalAvg = f.gauge("backend", "total_time_average_seconds", Help.TOTAL_TIME_AVG, PROXY);
        Family connectMax = f.gauge("backend", "max_connect_time_seconds", Help.CONNECT_TIME_MAX, PROXY);
        Family totalMax = f.gauge("backend", "max_total_time_seconds", Help.TOTAL_TIME_MAX, PROXY);
        Family agg = f.gauge("backend", "agg_server_status", Help.AGG_SERVER_STATUS, PROXY, "state");
        Family failoverCount = f.counter("backend", "failovers_total", FAILOVERS_HELP, PROXY);
        Family lastFailover = f.gauge("backend", "last_failover_seconds", LAST_FAILOVER_HELP, PROXY);
        Family activeServer = f.gauge("backend", "active_server_info", ACTIVE_SERVER_HELP, PROXY, "server");
        long now = r.nowMillis();
        for (BackendRow b : r.backends()) {
            String px = b.name();
            for (String state : StateLabels.PROXY) {
                status.add(state.equals("UP") == b.up() ? 1 : 0, px, state);
            }
            Traffic t = b.traffic();
            current.add(t.current(), px);
            max.add(t.max(), px);
            total.add(t.total(), px);
            in.add(t.bytesIn(), px);
            out.add(t.bytesOut(), px);
            econ.add(t.connectErrors(), px);
            retries.add(t.retries(), px);
            redisp.add(t.redispatches(), px);
            weight.add(b.weight(), px);
            active.add(b.activeServers(), px);
            backup.add(b.backupServers(), px);
            lastChange.add(SecondsSince.whole(now, b.lastChangeMillis()), px);
            lbtot.add(t.loadBalanced(), px);
            lastSession.add(t.lastSessionMillis() < 0 ? -1 : SecondsSince.whole(now, t.lastSessionMillis()), px);
            connectAvg.add(t.connectTimeAvgMillis() / 1000.0, px);
            totalAvg.add(t.totalTimeAvgMillis() / 1000.0, px);
            connectMax.add(t.connectTimeMaxMillis() / 1000.0, px);
            totalMax.add(t.totalTimeMaxMillis() / 1000.0, px);
            for (String state : StateLabels.SERVER) {
                agg.add(countIn(b, state), px, state);
            }
            failoverCount.add(failovers.failovers(px), px);
            OptionalLong last = failovers.lastFailoverNanos(px);
            if (last.isPresent()) {
                lastFailover.add(Math.max(0, nowNanos - last.getAsLong()) / 1e9, px);
            }
            for (ServerRow s : b.servers()) {
                if (s.takesNewSessions()) {
                    activeServer.add(1, px, s.name());
                }
            }
        }
    }

    private static int countIn(BackendRow b, String state) {
        int n = 0;
        for (ServerRow s : b.servers()) {
            n += s.status().equals(state) ? 1 : 0;
        }
        return n;
    }
}
