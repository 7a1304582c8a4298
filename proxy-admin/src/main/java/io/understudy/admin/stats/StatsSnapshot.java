package io.understudy.admin.stats;

import io.understudy.admin.AdminContext;
import io.understudy.checks.HealthChecker;
import io.understudy.core.frontend.Frontend;
import io.understudy.core.model.Backend;
import io.understudy.core.model.Server;
import io.understudy.core.model.ServerState;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Every {@code show stat} row of the running proxy at one instant, immutable: the one model that {@code show stat}
 * and the Prometheus metrics both read, so they always agree.
 *
 * <p>Rows come in HAProxy's order: per proxy (listen section, in config order) its FRONTEND row, one row per server in
 * declaration order, then its BACKEND row. The snapshot is taken in one pass over the published, lock-free state
 * (server states, backend snapshots, check snapshots, counters); each value is read once, so a row never contradicts
 * itself, though rows may straddle a concurrent change, as HAProxy's do.
 */
public final class StatsSnapshot {
    /**
     * The {@code iid} of the first proxy when no admin socket is configured; with one it is 2, as HAProxy with a
     * {@code stats socket} numbers it (observed on 2.6 and 2.9): see {@code ProxyEngine.proxyId}.
     */
    public static final int FIRST_PROXY_ID = 1;

    private final long takenAtMillis;
    private final List<StatRow> rows;

    private StatsSnapshot(long takenAtMillis, List<StatRow> rows) {
        this.takenAtMillis = takenAtMillis;
        this.rows = List.copyOf(rows);
    }

    /** Captures the proxy now. */
    public static StatsSnapshot capture(AdminContext ctx) {
        return capture(ctx, System.currentTimeMillis());
    }

    /**
     * Captures the proxy as of {@code nowMillis} (wall clock, the base of {@code lastchg}, {@code lastsess},
     * {@code downtime}); tests pass a fixed instant.
     */
    public static StatsSnapshot capture(AdminContext ctx, long nowMillis) {
        HealthChecker health = Objects.requireNonNull(ctx.health(), "health checker");
        List<StatRow> rows = new ArrayList<>();
        int proxyId = ctx.engine().proxyId(0);
        for (Frontend fe : ctx.engine().frontends()) {
            Backend be = fe.backend();
            rows.add(ProxyRows.frontend(fe, proxyId));
            for (Server s : be.servers()) {
                // One read of the server's state for the whole row, check columns included.
                ServerState st = s.state();
                rows.add(ServerRows.of(s, st, health.snapshot(s, st), proxyId, nowMillis));
            }
            rows.add(ProxyRows.backend(be, proxyId, fe.config().maxconn(), nowMillis));
            proxyId++;
        }
        return new StatsSnapshot(nowMillis, rows);
    }

    /** The wall-clock instant the snapshot describes. */
    public long takenAtMillis() {
        return takenAtMillis;
    }

    /** Every row, in {@code show stat} order. */
    public List<StatRow> rows() {
        return rows;
    }

    /** The rows of one proxy (FRONTEND, servers, BACKEND), empty if there is no such proxy. */
    public List<StatRow> proxy(String proxyName) {
        return rows.stream().filter(r -> r.proxyName().equals(proxyName)).toList();
    }

    /** The row {@code pxname,svname}, e.g. {@code ("MySQL", "BACKEND")} or {@code ("MySQL", "Primary")}. */
    public Optional<StatRow> row(String proxyName, String serviceName) {
        return rows.stream()
                .filter(r -> r.proxyName().equals(proxyName) && r.serviceName().equals(serviceName))
                .findFirst();
    }
}
