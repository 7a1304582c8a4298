package io.understudy.admin.command;

import io.understudy.admin.AdminContext;
import io.understudy.core.ProxyEngine;
import io.understudy.core.config.AdminSocketConfig.Level;
import io.understudy.core.counter.TrafficCounters;
import io.understudy.core.model.Backend;
import io.understudy.core.model.Server;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * {@code clear counters [all]}, as in HAProxy: at level {@code operator}, the maxima of every frontend, backend and
 * server ({@code smax}, {@code qmax}, {@code rate_max}, {@code *_time_max}; also what {@code show info}'s maxima add
 * up); with {@code all}, at level {@code admin}, every traffic counter too. The health checks' own tallies
 * ({@code chkfail}, {@code chkdown}, {@code downtime}) live in the runtime model and are kept; docs/admin.md says so.
 */
final class ClearCountersCommand implements Command {
    private final AdminContext context;

    ClearCountersCommand(AdminContext context) {
        this.context = context;
    }

    @Override
    public List<String> keywords() {
        return List.of("clear", "counters");
    }

    @Override
    public Level level() {
        return Level.OPERATOR;
    }

    @Override
    public String usage() {
        return Command.usageLine("clear counters [all]", "clear max statistics counters (or all counters)");
    }

    @Override
    public CompletableFuture<String> run(List<String> args, CliSession session) {
        boolean all = args.size() > 2 && args.get(2).equals("all");
        if (all && session.level() != Level.ADMIN) {
            throw new CliException(CliMessages.PERMISSION_DENIED);
        }
        ProxyEngine engine = context.engine();
        List<TrafficCounters> counters = new ArrayList<>();
        engine.frontends().forEach(f -> counters.add(f.counters()));
        for (Backend b : engine.backends()) {
            counters.add(b.counters());
            b.queue().clearMax();
            if (all) {
                b.clearRetired();
            }
            for (Server s : b.servers()) {
                counters.add(s.counters());
            }
        }
        for (TrafficCounters c : counters) {
            if (all) {
                c.clearAll();
            } else {
                c.clearMaxima();
            }
        }
        return Command.reply("");
    }
}
