package io.understudy.admin.stats;

import static io.understudy.admin.stats.StatField.*;

import io.understudy.core.counter.TrafficCounters;
import io.understudy.core.frontend.Frontend;
import io.understudy.core.model.Backend;
import io.understudy.core.model.BackendSnapshot;
import io.understudy.core.model.Server;
import java.util.List;

/**
 * Builds the FRONTEND and BACKEND rows of a proxy, filling the fields HAProxy 2.6 fills for them in {@code mode tcp}.
 *
 * <p>Every field HAProxy fills for them is filled, with HAProxy's meaning (see {@link ServerRows}); the frontend's
 * {@code ereq} counts connections that end before a server connection is requested: in TCP mode without request rules
 * only those of an {@code accept-proxy} frontend whose PROXY protocol header is missing or malformed (a session here
 * requests a server as soon as it is accepted), so it is 0 elsewhere, as in HAProxy.
 */
final class ProxyRows {
    private ProxyRows() {}

    static StatRow frontend(Frontend fe, int proxyId) {
        TrafficCounters c = fe.counters();
        StatRow.Builder b = new StatRow.Builder(RowType.FRONTEND, fe.name(), "FRONTEND", proxyId, 0);
        // No deny rules, no rate limit setting (0 = none), no HTTP, no compression, no header rewriting: HAProxy
        // prints 0 for these on a tcp frontend.
        b.zero(DREQ, DRESP, RATE_LIM, REQ_RATE, REQ_RATE_MAX, REQ_TOT, COMP_IN, COMP_OUT, COMP_BYP, COMP_RSP);
        b.zero(DCON, DSES, WREW);
        b.put(EREQ, c.requestErrors());
        b.put(EINT, c.internalErrors());
        b.put(SCUR, c.currentSessions()).put(SMAX, c.maxSessions()).put(SLIM, fe.maxconn());
        b.put(STOT, c.totalSessions()).put(BIN, c.bytesIn()).put(BOUT, c.bytesOut());
        // Every accepted connection becomes a session (no tcp-request connection rules), so conn_tot equals stot and
        // the connection rate is the session rate.
        b.put(CONN_TOT, c.totalSessions());
        b.put(RATE, c.sessionRate().rate()).put(RATE_MAX, c.sessionRate().max());
        b.put(CONN_RATE, c.sessionRate().rate())
                .put(CONN_RATE_MAX, c.sessionRate().max());
        b.put(STATUS, fe.status().name())
                .state(fe.status() == Frontend.Status.STOP ? ServiceState.DOWN : ServiceState.UP);
        b.put(MODE, "tcp");
        return b.build();
    }

    /**
     * @param frontendMaxconn the maxconn of the frontend feeding this backend
     * @param downtime the backend's chkdown/downtime tally, empty without a tracker
     */
    static StatRow backend(Backend be, int proxyId, int frontendMaxconn, long nowMillis) {
        TrafficCounters c = be.counters();
        BackendSnapshot snap = be.snapshot();
        StatRow.Builder b = new StatRow.Builder(RowType.BACKEND, be.name(), "BACKEND", proxyId, 0);
        b.zero(DREQ, DRESP, COMP_IN, COMP_OUT, COMP_BYP, COMP_RSP, RTIME, RTIME_MAX);
        // The backend's queue: sessions waiting because every usable server is at its maxconn.
        b.put(QCUR, be.queue().size()).put(QMAX, be.queue().max());
        b.zero(WREW, REUSE);
        // HAProxy's CSV prints these aggregates as 0 (only its Prometheus exporter counts servers per state).
        b.zero(AGG_SERVER_STATUS, AGG_SERVER_CHECK_STATUS, AGG_CHECK_STATUS);
        b.put(SCUR, c.currentSessions()).put(SMAX, c.maxSessions()).put(STOT, c.totalSessions());
        b.put(RATE, c.sessionRate().rate()).put(RATE_MAX, c.sessionRate().max());
        // slim is HAProxy's fullconn, which defaults to the feeding frontends' maxconn / 10 rounded up. Understudy has
        // no fullconn (it only scales minconn in HAProxy), so it shows HAProxy's default for the same config.
        b.put(SLIM, (frontendMaxconn + 9L) / 10);
        b.put(BIN, c.bytesIn()).put(BOUT, c.bytesOut());
        b.put(ECON, c.connectErrors()).put(WRETR, c.retries()).put(WREDIS, c.redispatches());
        // Every attempt is made to a server: the backend's is their sum, as for lbtot below.
        b.put(
                CONNECT,
                be.retiredConnectAttempts()
                        + be.servers().stream()
                                .mapToLong(s -> s.counters().connectAttempts())
                                .sum());
        b.put(CLI_ABRT, c.clientAborts()).put(SRV_ABRT, c.serverAborts()).put(ERESP, c.responseErrors());
        b.put(EINT, c.internalErrors());

        long weight = weight(snap, be.config().allBackups());
        boolean up = weight > 0 || be.servers().isEmpty();
        b.put(STATUS, up ? "UP" : "DOWN").state(up ? ServiceState.UP : ServiceState.DOWN);
        b.put(WEIGHT, weight).put(UWEIGHT, weight);
        b.put(ACT, snap.activeUsable().size()).put(BCK, snap.backupUsable().size());
        b.put(CHKDOWN, snap.downtime().transitions())
                .put(DOWNTIME, snap.downtime().seconds(nowMillis));
        b.put(LASTCHG, ServerRows.seconds(nowMillis - snap.lastChangeMillis()));
        // The backend's lbtot counts every time its balancer picked a server: the servers' lbtot summed.
        b.put(
                LBTOT,
                be.retiredSelected()
                        + be.servers().stream()
                                .mapToLong(s -> s.counters().selectedTotal())
                                .sum());
        long last = c.lastSessionMillis();
        b.put(LASTSESS, last < 0 ? -1 : ServerRows.seconds(nowMillis - last));
        b.put(QTIME, c.queueTime().average()).put(QTIME_MAX, c.queueTime().max());
        b.put(CTIME, c.connectTime().average()).put(CTIME_MAX, c.connectTime().max());
        b.put(TTIME, c.totalTime().average()).put(TTIME_MAX, c.totalTime().max());
        b.put(MODE, "tcp").put(ALGO, be.config().balance().keyword());
        return b.build();
    }

    /**
     * The weight of what takes traffic now (HAProxy's {@code update_backend_weight}): the usable active servers' sum;
     * with none, the first usable backup's (all usable backups' with {@code allbackups}); a pinned server (manual
     * failback, which HAProxy lacks) takes all traffic, so its weight. Also the backend's uweight: Understudy has no
     * slowstart, so effective and user weights are equal.
     */
    static long weight(BackendSnapshot snap, boolean allBackups) {
        if (snap.pinned().isPresent()) {
            return snap.pinned().get().state().weight();
        }
        if (!snap.activeUsable().isEmpty()) {
            return sum(snap.activeUsable());
        }
        List<Server> backups = snap.backupUsable();
        if (backups.isEmpty()) {
            return 0;
        }
        return allBackups ? sum(backups) : backups.get(0).state().weight();
    }

    private static long sum(List<Server> servers) {
        return servers.stream().mapToLong(s -> s.state().weight()).sum();
    }
}
