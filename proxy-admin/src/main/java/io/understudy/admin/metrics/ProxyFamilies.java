package io.understudy.admin.metrics;

import io.understudy.admin.metrics.Families.Family;
import io.understudy.admin.stats.RowType;
import io.understudy.admin.stats.ServiceState;
import io.understudy.admin.stats.StatRow;
import java.util.List;

/**
 * The series that are not one {@code show stat} column each: HAProxy's {@code <prefix>_process_*} and
 * {@code <prefix>_backend_agg_server_status}, and what Understudy adds about failover and how sessions end.
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
            "Total number of sessions of the proxy ended since the worker process started, per termination cause";

    private static final String PROXY = "proxy";

    private ProxyFamilies() {}

    static void addProcess(Families f, ProxyReading r) {
        ProxyReading.Process p = r.process();
        long current = 0;
        long total = 0;
        int listening = 0;
        for (StatRow fe : r.stats().rows()) {
            if (fe.type() == RowType.FRONTEND) {
                current += fe.currentSessions();
                total += fe.totalSessions();
                listening += fe.state() == ServiceState.UP ? 1 : 0;
            }
        }
        long now = r.stats().takenAtMillis();
        f.gauge("process", "nbthread", Help.NBTHREAD).add(p.ioThreads());
        f.gauge("process", "nbproc", Help.NBPROC).add(1);
        f.gauge("process", "relative_process_id", Help.RELATIVE_PROCESS_ID).add(1);
        f.gauge("process", "uptime_seconds", Help.UPTIME).add(Math.max(0, now - p.startMillis()) / 1000);
        f.gauge("process", "start_time_seconds", Help.START_TIME).add(p.startMillis() / 1000);
        f.gauge("process", "current_connections", Help.CURRENT_CONNECTIONS).add(current);
        f.counter("process", "connections_total", Help.CONNECTIONS_TOTAL).add(total);
        f.gauge("process", "listeners", Help.LISTENERS).add(listening);
        f.info("process", "build_info", Help.BUILD_INFO, "version").add(1, p.version());
        for (InfoMetric m : InfoMetric.ALL) {
            String value = m.field() == null ? "0" : p.info().get(m.field());
            if (value == null) {
                continue; // the platform cannot tell it (e.g. pool sizes): no sample rather than a made-up one
            }
            Family family =
                    m.counter() ? f.counter("process", m.suffix(), m.help()) : f.gauge("process", m.suffix(), m.help());
            family.add(Double.parseDouble(value));
        }
        Family ended = f.counter("sessions", "terminated_total", TERMINATED_HELP, "proxy", "cause");
        for (ProxyReading.Ended e : p.ended()) {
            ended.add(e.total(), e.proxy(), e.cause());
        }
    }

    /**
     * The per-backend series that are no CSV column: servers per state (HAProxy's exporter counts them; its CSV
     * prints 0), then failovers and where new sessions go.
     */
    static void addBackendExtras(
            Families f, ProxyReading r, List<StatRow> backends, List<StatRow> servers, long nowNanos) {
        Family agg = f.gauge("backend", "agg_server_status", Help.AGG_SERVER_STATUS, PROXY, "state");
        // HAProxy 2.6 still prints its deprecated twin with the same counts, and the servers per check status.
        Family aggOld = f.gauge("backend", "agg_server_check_status", Help.AGG_CHECK_STATUS, PROXY, "state");
        Family aggCheck = f.gauge("backend", "agg_check_status", Help.AGG_CHECK_STATUS, PROXY, "state");
        Family count = f.counter("backend", "failovers_total", FAILOVERS_HELP, PROXY);
        Family last = f.gauge("backend", "last_failover_seconds", LAST_FAILOVER_HELP, PROXY);
        Family active = f.info("backend", "active_server_info", ACTIVE_SERVER_HELP, PROXY, "server");
        for (StatRow b : backends) {
            String px = b.proxyName();
            int[] perState = new int[ServiceState.values().length];
            for (StatRow s : servers) {
                if (s.proxyName().equals(px)) {
                    perState[s.state().ordinal()]++;
                }
            }
            for (String state : StateLabels.SERVER) {
                agg.add(perState[ServiceState.valueOf(state).ordinal()], px, state);
                aggOld.add(perState[ServiceState.valueOf(state).ordinal()], px, state);
            }
            for (String code : StateLabels.CHECK) {
                long n = servers.stream()
                        .filter(s -> s.proxyName().equals(px))
                        .filter(s ->
                                s.checkStatus().map(c -> c.name().equals(code)).orElse(false))
                        .count();
                aggCheck.add(n, px, code);
            }
            ProxyReading.Failovers fo = r.failovers(px);
            count.add(fo.count(), px);
            if (fo.count() > 0) {
                last.add(Math.max(0, nowNanos - fo.lastNanos()) / 1e9, px);
            }
            for (String server : r.newSessionsGoTo(px)) {
                active.add(1, px, server);
            }
        }
    }
}
