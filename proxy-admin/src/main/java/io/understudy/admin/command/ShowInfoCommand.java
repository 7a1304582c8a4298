package io.understudy.admin.command;

import io.understudy.admin.AdminContext;
import io.understudy.core.ProxyEngine;
import io.understudy.core.config.AdminSocketConfig.Level;
import io.understudy.core.frontend.Frontend;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;

/**
 * {@code show info [typed|json] [desc] [float]}: process information as Debian's HAProxy 2.6 prints it (reference §1.7,
 * and the captured output in the stats test resources): every key that HAProxy prints, in its order, as {@code Key:
 * value} lines, as {@code typed} lines ({@code <pos>.<key>.1:<tags>:<type>:<value>}) or as {@code json}. {@code Name}
 * is {@code Understudy}; {@code Version}, {@code Release_date} and {@code Build info} are this build's. Keys for what
 * Understudy does not have (SSL, compression, pipes, peers of HAProxy's kind, logs received) print HAProxy's 0 for a
 * process without them. Where a value is an analogue rather than the same quantity, docs/admin.md says how it is made
 * ({@code Tasks}, {@code Jobs}, the rates with several listen sections, {@code BytesOutRate}). Any level.
 */
final class ShowInfoCommand implements Command {
    private static final long MB = 1024 * 1024;

    private final AdminContext context;
    private final ProcessFacts facts = new ProcessFacts();
    private final ByteRate bytesOut = new ByteRate();

    ShowInfoCommand(AdminContext context) {
        this.context = context;
    }

    @Override
    public List<String> keywords() {
        return List.of("show", "info");
    }

    @Override
    public Level level() {
        return Level.USER;
    }

    @Override
    public String usage() {
        return Command.usageLine("show info [desc|json|typed|float]*", "report information about the running process");
    }

    @Override
    public CompletableFuture<String> run(List<String> args, CliSession session) {
        boolean typed = false;
        boolean json = false;
        boolean desc = false;
        for (String option : args.subList(2, args.size())) {
            switch (option) {
                    // The last of typed and json wins, as in HAProxy 2.6.
                case "typed" -> {
                    typed = true;
                    json = false;
                }
                case "json" -> {
                    json = true;
                    typed = false;
                }
                case "desc" -> desc = true;
                default -> {
                    // float: rates are whole numbers here, so it changes nothing; other words HAProxy 2.6 ignores too.
                }
            }
        }
        if (desc && (typed || json)) {
            // HAProxy appends each field's description; Understudy does not carry HAProxy's description texts.
            throw new CliException(CliMessages.SHOW_INFO_NO_DESC);
        }
        Map<InfoField, String> values = values(System.currentTimeMillis());
        return Command.reply(json ? json(values) : typed ? typed(values) : plain(values));
    }

    /** Every field's value as printed, in HAProxy's order. */
    Map<InfoField, String> values(long nowMillis) {
        ProxyEngine engine = context.engine();
        List<Frontend> frontends = engine.frontends();
        long uptime = Math.max(0, (nowMillis - context.startMillis()) / 1000);
        // HAProxy's global maxconn: the frontends' own, capped by what the file-descriptor limit allows.
        long maxconn = Math.min(
                frontends.stream().mapToLong(f -> f.config().maxconn()).sum(),
                engine.sessionBudget().max());
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
        v.put(InfoField.UPTIME, HumanTime.uptime(uptime));
        put(v, InfoField.UPTIME_SEC, uptime);
        put(v, InfoField.MEMMAX_MB, memmax / MB);
        pool.ifPresent(p -> put(v, InfoField.POOL_ALLOC_MB, p / MB));
        pool.ifPresent(p -> put(v, InfoField.POOL_USED_MB, p / MB));
        put(v, InfoField.POOL_FAILED, 0);
        fds.ifPresent(n -> put(v, InfoField.ULIMIT_N, n));
        fds.ifPresent(n -> put(v, InfoField.MAXSOCK, n));
        put(v, InfoField.MAXCONN, maxconn);
        put(v, InfoField.HARD_MAXCONN, maxconn);
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

    static String plain(Map<InfoField, String> values) {
        StringBuilder out = new StringBuilder(2048);
        values.forEach(
                (f, value) -> out.append(f.key()).append(": ").append(value).append('\n'));
        return out.toString();
    }

    static String typed(Map<InfoField, String> values) {
        StringBuilder out = new StringBuilder(4096);
        values.forEach((f, value) -> out.append(f.pos())
                .append('.')
                .append(f.key())
                .append(".1:")
                .append(f.tags().letters())
                .append(':')
                .append(f.tags().type())
                .append(':')
                .append(value)
                .append('\n'));
        return out.toString();
    }

    static String json(Map<InfoField, String> values) {
        StringBuilder out = new StringBuilder(16384).append('[');
        boolean first = true;
        for (Map.Entry<InfoField, String> e : values.entrySet()) {
            InfoField f = e.getKey();
            out.append(first ? "" : ",")
                    .append("{\"field\":{\"pos\":")
                    .append(f.pos())
                    .append(",\"name\":\"")
                    .append(f.key())
                    .append("\"},\"processNum\":1,");
            f.tags().appendJsonTagsAndValue(e.getValue(), out);
            out.append('}');
            first = false;
        }
        return out.append("]\n").toString();
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
