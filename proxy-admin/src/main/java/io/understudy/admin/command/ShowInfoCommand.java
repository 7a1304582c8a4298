package io.understudy.admin.command;

import io.understudy.admin.AdminContext;
import io.understudy.core.ProxyEngine;
import io.understudy.core.config.AdminSocketConfig.Level;
import io.understudy.core.frontend.Frontend;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;

/**
 * {@code show info}: process information as HAProxy prints it (reference §1.7), {@code Key: value} lines with HAProxy's
 * key names in HAProxy's order. Like HAProxy, a field without a value is left out; fields Understudy cannot measure
 * (rates, task counts, SSL, which a no-SSL HAProxy omits too) are left out rather than printed as a made-up 0. Fields
 * that are 0 by construction (no pipes, no compression, no peers, no limits) are printed as 0, since that is true.
 * {@code Name} is {@code Understudy}; {@code Version} and {@code Release_date} (read by the Prometheus haproxy_exporter)
 * are this build's. Any level.
 */
final class ShowInfoCommand implements Command {
    private static final long MB = 1024 * 1024;

    private final AdminContext context;
    private final ProcessFacts facts = new ProcessFacts();

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
        return Command.usageLine("show info", "report information about the running process");
    }

    @Override
    public CompletableFuture<String> run(List<String> args, CliSession session) {
        for (String option : args.subList(2, args.size())) {
            // desc and float change nothing in the plain format; typed and json are not implemented.
            if (!option.equals("desc") && !option.equals("float")) {
                throw new CliException(CliMessages.SHOW_INFO_PLAIN_ONLY);
            }
        }
        return Command.reply(render(System.currentTimeMillis()));
    }

    String render(long nowMillis) {
        ProxyEngine engine = context.engine();
        List<Frontend> frontends = engine.frontends();
        long uptime = Math.max(0, (nowMillis - context.startMillis()) / 1000);
        int threads = engine.ioThreads();
        // HAProxy's global maxconn: the frontends' own, capped by what the file-descriptor limit allows.
        long maxconn = Math.min(
                frontends.stream().mapToLong(f -> f.config().maxconn()).sum(),
                engine.sessionBudget().max());
        long cumConns =
                frontends.stream().mapToLong(f -> f.counters().totalSessions()).sum();
        long bytesOut =
                frontends.stream().mapToLong(f -> f.counters().bytesOut()).sum();
        OptionalLong pool = facts.bufferMemoryBytes();
        boolean stopping = !frontends.isEmpty() && frontends.stream().allMatch(f -> f.status() == Frontend.Status.STOP);

        Lines out = new Lines();
        out.add("Name", "Understudy");
        out.add("Version", context.version());
        out.add("Release_date", facts.releaseDate());
        out.add("Nbthread", threads);
        out.add("Nbproc", 1);
        out.add("Process_num", 1);
        out.add("Pid", context.pid());
        out.add("Uptime", HumanTime.uptime(uptime));
        out.add("Uptime_sec", uptime);
        out.add("Memmax_MB", Runtime.getRuntime().maxMemory() / MB);
        out.add("PoolAlloc_MB", pool, MB);
        out.add("PoolUsed_MB", pool, MB);
        out.add("PoolFailed", 0);
        out.add("Ulimit-n", facts.maxFileDescriptors(), 1);
        out.add("Maxconn", maxconn);
        out.add("Hard_maxconn", maxconn);
        out.add("CurrConns", engine.sessions().size());
        out.add("CumConns", cumConns);
        // In TCP mode every HAProxy stream is one request.
        out.add("CumReq", cumConns);
        out.add("Maxpipes", 0);
        out.add("PipesUsed", 0);
        out.add("PipesFree", 0);
        out.add("ConnRateLimit", 0);
        out.add("SessRateLimit", 0);
        out.add("CompressBpsIn", 0);
        out.add("CompressBpsOut", 0);
        out.add("CompressBpsRateLim", 0);
        out.add("Idle_pct", facts.idlePercent(), 1);
        out.add("node", facts.node());
        out.add("Stopping", stopping ? 1 : 0);
        out.add("Listeners", frontends.size());
        out.add("ActivePeers", 0);
        out.add("ConnectedPeers", 0);
        out.add("DroppedLogs", 0);
        out.add("BusyPolling", 0);
        out.add("FailedResolutions", 0);
        out.add("TotalBytesOut", bytesOut);
        out.add("TotalSplicedBytesOut", 0);
        out.add("DebugCommandsIssued", 0);
        out.add("CumRecvLogs", 0);
        out.add("Memmax_bytes", Runtime.getRuntime().maxMemory());
        out.add("PoolAlloc_bytes", pool, 1);
        out.add("PoolUsed_bytes", pool, 1);
        out.add("Start_time_sec", context.startMillis() / 1000);
        out.add("Tainted", 0);
        return out.toString();
    }

    /** {@code Key: value} lines, skipping absent values as HAProxy skips empty fields. */
    private static final class Lines {
        private final StringBuilder text = new StringBuilder();

        void add(String key, Object value) {
            text.append(key).append(": ").append(value).append('\n');
        }

        void add(String key, Optional<String> value) {
            value.ifPresent(v -> add(key, v));
        }

        void add(String key, OptionalLong value, long divisor) {
            value.ifPresent(v -> add(key, v / divisor));
        }

        @Override
        public String toString() {
            return text.toString();
        }
    }
}
