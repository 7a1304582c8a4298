package io.understudy.admin.command;

import io.understudy.admin.AdminContext;
import io.understudy.core.config.AdminSocketConfig.Level;
import io.understudy.core.counter.TrafficCounters;
import io.understudy.core.model.Backend;
import io.understudy.core.model.ControlPlane;
import io.understudy.core.model.Server;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * {@code show servers conn [<backend>]}: HAProxy 2.6's per-server connection table, one row per server. A TCP proxy
 * keeps no idle connections for reuse, so the idle columns print what HAProxy prints for a server without a pool
 * ({@code 0}, and {@code -1} for no idle limit); {@code purge_delay} is HAProxy's default {@code pool-purge-delay}
 * (5000 ms), which has no effect here. {@code used_cur} is the server's sessions now, {@code used_max} and
 * {@code need_est} the most connections in use at once, health checks included, as HAProxy counts them. Any level.
 */
final class ShowServersConnCommand implements Command {
    private static final int PURGE_DELAY_MILLIS = 5000;

    private final AdminContext context;

    ShowServersConnCommand(AdminContext context) {
        this.context = context;
    }

    @Override
    public List<String> keywords() {
        return List.of("show", "servers", "conn");
    }

    @Override
    public Level level() {
        return Level.USER;
    }

    @Override
    public String usage() {
        return Command.usageLine(
                "show servers conn [<backend>]", "dump server connections status (all or for a single backend)");
    }

    @Override
    public CompletableFuture<String> run(List<String> args, CliSession session) {
        ControlPlane control = context.engine().control();
        Optional<Backend> only = ServerLookup.onlyBackend(control, Command.arg(args, 3));
        int threads = context.engine().ioThreads();
        StringBuilder out = new StringBuilder(
                "# bkname/svname bkid/svid addr port - purge_delay used_cur used_max need_est unsafe_nb safe_nb"
                        + " idle_lim idle_cur idle_per_thr[" + threads + "]\n");
        for (Backend b : control.backends()) {
            if (only.isPresent() && only.get() != b) {
                continue;
            }
            int beId = ServerLookup.backendId(context.engine(), b);
            for (Server s : b.servers()) {
                TrafficCounters c = s.counters();
                InetSocketAddress addr = s.address();
                String ip = ServerLookup.ip(addr);
                out.append(b.name())
                        .append('/')
                        .append(s.name())
                        .append(' ')
                        .append(beId)
                        .append('/')
                        .append(s.config().id())
                        .append(' ')
                        .append(ip)
                        .append(' ')
                        .append(addr.getPort())
                        .append(" - ")
                        .append(PURGE_DELAY_MILLIS)
                        .append(' ')
                        .append(c.currentSessions())
                        .append(' ')
                        .append(c.neededConnections())
                        .append(' ')
                        .append(c.neededConnections())
                        .append(" 0 0 -1 0");
                for (int t = 0; t < threads; t++) {
                    out.append(" 0");
                }
                out.append('\n');
            }
        }
        return Command.reply(out.toString());
    }
}
