package io.understudy.admin.stats;

import static io.understudy.admin.stats.StatField.*;

import io.understudy.checks.CheckResult;
import io.understudy.checks.CheckSnapshot;
import io.understudy.checks.CheckStatus;
import io.understudy.core.counter.TrafficCounters;
import io.understudy.core.model.Server;
import io.understudy.core.model.ServerState;
import java.util.Optional;

/**
 * Builds a server's row from its published state, check state and counters, filling the fields HAProxy 2.6 fills for a
 * server in {@code mode tcp} (observed rows: reference Appendix A and the captured Debian rows in the tests).
 *
 * <p>Every field HAProxy fills for such a server is filled, with HAProxy's meaning: {@code connect} counts connection
 * attempts, {@code cli_abrt}/{@code srv_abrt} sessions ended by the client's or the server's side in their data phase
 * (a reset, a failed write, a timeout), {@code eresp} the server's resets and failed writes (not its timeouts, as in
 * HAProxy), {@code econ} sessions that gave up connecting (once each, not per attempt), {@code stot} sessions sent to
 * the server once per connect attempt (HAProxy's count), {@code eint} sessions ended by an internal error,
 * {@code need_conn_est} the most connections in use at once.
 */
final class ServerRows {
    private ServerRows() {}

    /**
     * @param st the server's state, read once by the caller so the whole row describes one instant
     * @param check the check state, empty when the server has no {@code check}
     */
    static StatRow of(Server server, ServerState st, Optional<CheckSnapshot> check, int proxyId, long nowMillis) {
        TrafficCounters c = server.counters();
        StatRow.Builder b = new StatRow.Builder(
                RowType.SERVER,
                server.backendName(),
                server.name(),
                proxyId,
                server.config().id());
        // Sessions queue on the backend, never on one server (no persistence), so a server's own queue is always empty;
        // no response rules, no HTTP, no idle pool: HAProxy prints 0 for these in the same situation.
        b.zero(QCUR, QMAX, DRESP, RTIME, RTIME_MAX, WREW, REUSE, SRV_ICUR, IDLE_CONN_CUR, SAFE_CONN_CUR);
        long scur = c.currentSessions();
        b.put(SCUR, scur).put(SMAX, c.maxSessions()).put(STOT, c.totalSessions());
        b.put(RATE, c.sessionRate().rate()).put(RATE_MAX, c.sessionRate().max());
        if (st.settings().maxconn() > 0) {
            b.put(SLIM, st.settings().maxconn());
        }
        b.put(BIN, c.bytesIn()).put(BOUT, c.bytesOut());
        b.put(ECON, c.connectErrors()).put(WRETR, c.retries()).put(WREDIS, c.redispatches());
        b.put(CONNECT, c.connectAttempts());
        b.put(CLI_ABRT, c.clientAborts()).put(SRV_ABRT, c.serverAborts()).put(ERESP, c.responseErrors());
        b.put(EINT, c.internalErrors()).put(NEED_CONN_EST, c.neededConnections());

        b.put(STATUS, ServerStatus.text(st, check)).state(ServerStatus.state(st));
        // HAProxy's server weight stays the configured/set one while down, in maintenance or draining (observed).
        b.put(WEIGHT, st.weight()).put(UWEIGHT, st.weight());
        // act/bck say what the server is, not whether it is usable: a DOWN primary still shows 1,0.
        b.put(ACT, server.isBackup() ? 0 : 1).put(BCK, server.isBackup() ? 1 : 0);
        b.put(LASTCHG, seconds(nowMillis - st.lastChangeMillis()));
        b.put(LBTOT, c.selectedTotal());
        long last = c.lastSessionMillis();
        b.put(LASTSESS, last < 0 ? -1 : seconds(nowMillis - last));
        b.put(QTIME, c.queueTime().average()).put(QTIME_MAX, c.queueTime().max());
        b.put(CTIME, c.connectTime().average()).put(CTIME_MAX, c.connectTime().max());
        b.put(TTIME, c.totalTime().average()).put(TTIME_MAX, c.totalTime().max());
        // In TCP mode every session holds exactly one server connection.
        b.put(USED_CONN_CUR, scur);
        b.put(ADDR, st.settings().address().toString()).put(MODE, "tcp");

        if (ServerStatus.checked(check)) {
            CheckSnapshot cs = check.get();
            b.put(CHKFAIL, cs.failedChecks());
            b.put(CHKDOWN, st.downtime().transitions());
            b.put(DOWNTIME, st.downtime().seconds(nowMillis));
            // Maintenance pauses checks: HAProxy then hides the check's own columns but keeps the counters above.
            if (!st.inMaintenance()) {
                checkColumns(b, cs);
            }
        }
        return b.build();
    }

    private static void checkColumns(StatRow.Builder b, CheckSnapshot cs) {
        CheckStatus status = cs.status();
        b.checkStatus(status);
        b.put(CHECK_STATUS, (cs.inProgress() ? "* " : "") + status.name());
        Optional<CheckResult> last = cs.last();
        // check_code exists from L57DATA on (L7OK, L7STS): 0 when the check found no code to report.
        if (status.hasCode()) {
            b.put(CHECK_CODE, last.map(r -> r.code().orElse(0)).orElse(0));
        }
        last.ifPresent(r -> b.put(CHECK_DURATION, Math.max(0, r.durationMillis())));
        // HAProxy leaves last_chk empty after a passed check (its mysql-check overwrites the server version it read);
        // failures keep their reason there. The version stays in the check's log lines.
        b.put(LAST_CHK, status.passed() ? "" : last.map(CheckResult::info).orElse(""));
        b.put(CHECK_DESC, status.description());
        b.put(CHECK_RISE, cs.health().rise()).put(CHECK_FALL, cs.health().fall());
        b.put(CHECK_HEALTH, cs.health().health());
    }

    /** Whole seconds, as HAProxy's second-resolution clock gives them; never negative across a clock step. */
    static long seconds(long millis) {
        return Math.max(0, millis) / 1000;
    }
}
