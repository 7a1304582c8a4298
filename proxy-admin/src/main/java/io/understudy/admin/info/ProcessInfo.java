package io.understudy.admin.info;

import io.understudy.admin.AdminContext;
import io.understudy.core.ProxyEngine;
import io.understudy.core.frontend.Frontend;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/**
 * The process-wide figures of {@code show info}, with HAProxy 2.6's keys ({@link InfoField}), computed from the running
 * proxy; {@code show info} prints them and the exporter publishes them as HAProxy's {@code <prefix>_process_*}
 * series. Keys for what Understudy does not have (SSL, compression, pipes, HAProxy peers, log receiving) hold the 0
 * HAProxy prints without them. Analogues rather than the same quantity: {@code Tasks}, {@code Jobs}, the process-wide
 * rates with several listen sections, {@code BytesOutRate} (see docs/admin.md). One instance per reader: its byte rate
 * is measured between that reader's readings.
 */
public final class ProcessInfo {
    private static final long MB = 1024 * 1024;

    private final AdminContext context;
    private final ProcessFacts facts = new ProcessFacts();
    private final ByteRate bytesOut = new ByteRate();

    public ProcessInfo(AdminContext context) {
        this.context = context;
    }

    /** {@code show info}'s {@code Uptime}: {@code 0d 0h03m32s}. */
    public static String uptime(long seconds) {
        return String.format(
                "%dd %dh%02dm%02ds", seconds / 86_400, (seconds % 86_400) / 3600, (seconds % 3600) / 60, seconds % 60);
    }

    /** Every field's value as printed, in HAProxy's order. */
    public Map<InfoField, String> values(long nowMillis) {
        ProxyEngine engine = context.engine();
        List<Frontend> frontends = engine.frontends();
        long uptime = Math.max(0, (nowMillis - context.startMillis()) / 1000);
        // HAProxy's global maxconn: the frontends' own, capped by what the file-descriptor limit allows.
        long frontendsMax = frontends.stream().mapToLong(Frontend::maxconn).sum();
        long hardMaxconn = Math.min(frontendsMax, engine.sessionBudget().hardMax());
        // set maxconn global replaces it, as in HAProxy.
        int limit = engine.sessionBudget().limit();
        long maxconn = limit > 0 ? limit : hardMaxconn;
        long cumConns =
                frontends.stream().mapToLong(f -> f.counters().totalSessions()).sum();
        long totalBytesOut =
                frontends.stream().mapToLong(f -> f.counters().bytesOut()).sum();
        // Process-wide rates: the listen sections' together (with several, their maxima summed: an upper bound).
        long rate = frontends.stream()
                .mapToLong(f -> f.counters().sessionRate().rate())
                .sum();
        long maxRate = frontends.stream()
                .mapToLong(f -> f.counters().sessionRate().max())
                .sum();
        long sessions = engine.sessions().size();
        long checked = engine.backends().stream()
                .flatMap(b -> b.servers().stream())
                .filter(s -> s.config().check().enabled())
                .count();
        long runQueue = engine.runQueue();
        OptionalLong pool = facts.bufferMemoryBytes();
        OptionalLong fds = facts.maxFileDescriptors();
        boolean stopping = !frontends.isEmpty() && frontends.stream().allMatch(f -> f.status() == Frontend.Status.STOP);
        long memmax = Runtime.getRuntime().maxMemory();

        Map<InfoField, String> v = new EnumMap<>(InfoField.class);
        v.put(InfoField.NAME, "Understudy");
        v.put(InfoField.VERSION, context.version());
        facts.releaseDate().ifPresent(d -> v.put(InfoField.RELEASE_DATE, d));
        put(v, InfoField.NBTHREAD, engine.ioThreads());
        put(v, InfoField.NBPROC, 1);
        put(v, InfoField.PROCESS_NUM, 1);
        put(v, InfoField.PID, context.pid());
        v.put(InfoField.UPTIME, uptime(uptime));
        put(v, InfoField.UPTIME_SEC, uptime);
        put(v, InfoField.MEMMAX_MB, memmax / MB);
        pool.ifPresent(p -> put(v, InfoField.POOL_ALLOC_MB, p / MB));
        pool.ifPresent(p -> put(v, InfoField.POOL_USED_MB, p / MB));
        put(v, InfoField.POOL_FAILED, 0);
        fds.ifPresent(n -> put(v, InfoField.ULIMIT_N, n));
        fds.ifPresent(n -> put(v, InfoField.MAXSOCK, n));
        put(v, InfoField.MAXCONN, maxconn);
        put(v, InfoField.HARD_MAXCONN, hardMaxconn);
        put(v, InfoField.CONN_RATE_LIMIT, engine.sessionBudget().rateLimit());
        put(v, InfoField.CURR_CONNS, sessions);
        put(v, InfoField.CUM_CONNS, cumConns);
        // In TCP mode every HAProxy stream is one request.
        put(v, InfoField.CUM_REQ, cumConns);
        put(v, InfoField.CONN_RATE, rate);
        put(v, InfoField.MAX_CONN_RATE, maxRate);
        // Every connection becomes a session (no tcp-request connection rules).
        put(v, InfoField.SESS_RATE, rate);
        put(v, InfoField.MAX_SESS_RATE, maxRate);
        // Tasks: HAProxy holds one for each session, checked server and listener (among others); these are ours.
        put(v, InfoField.TASKS, sessions + checked + frontends.size() + runQueue);
        put(v, InfoField.RUN_QUEUE, runQueue);
        facts.idlePercent().ifPresent(p -> put(v, InfoField.IDLE_PCT, p));
        facts.node().ifPresent(n -> v.put(InfoField.NODE, n));
        put(v, InfoField.STOPPING, stopping ? 1 : 0);
        // Jobs: what keeps a stopping HAProxy alive, its listeners and its connections.
        put(v, InfoField.JOBS, frontends.size() + sessions);
        put(v, InfoField.LISTENERS, frontends.size());
        put(v, InfoField.TOTAL_BYTES_OUT, totalBytesOut);
        put(v, InfoField.BYTES_OUT_RATE, bytesOut.perSecond(totalBytesOut, System.nanoTime()));
        v.put(InfoField.BUILD_INFO, context.version());
        put(v, InfoField.MEMMAX_BYTES, memmax);
        pool.ifPresent(p -> put(v, InfoField.POOL_ALLOC_BYTES, p));
        pool.ifPresent(p -> put(v, InfoField.POOL_USED_BYTES, p));
        put(v, InfoField.START_TIME_SEC, context.startMillis() / 1000);
        v.put(InfoField.TAINTED, "0");
        // The rest is what a process without SSL, compression, pipes, HAProxy peers or a log receiver prints: 0.
        for (InfoField f : InfoField.values()) {
            v.putIfAbsent(f, f.tags().text() ? "" : "0");
        }
        // A text HAProxy has no value for is left out, as it skips empty fields.
        v.values().removeIf(String::isEmpty);
        return v;
    }

    private static void put(Map<InfoField, String> v, InfoField f, long value) {
        v.put(f, Long.toString(value));
    }

    /**
     * Bytes per second, measured between readings at least a second apart (HAProxy keeps a per-second frequency
     * counter; reading the totals here costs the relay nothing): the rate since the previous reading, or since start.
     */
    private static final class ByteRate {
        private long lastTotal;
        private long lastNanos = System.nanoTime();
        private long rate;

        synchronized long perSecond(long total, long nowNanos) {
            long elapsed = nowNanos - lastNanos;
            if (elapsed >= 1_000_000_000L) {
                // In double: bytes × 1e9 overflows a long past 9.2 GB between two readings.
                rate = (long) Math.max(0, (total - lastTotal) * 1e9 / elapsed);
                lastTotal = total;
                lastNanos = nowNanos;
            }
            return rate;
        }
    }
}
