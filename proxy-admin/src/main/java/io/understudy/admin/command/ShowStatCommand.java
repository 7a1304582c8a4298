package io.understudy.admin.command;

import io.understudy.admin.AdminContext;
import io.understudy.core.config.AdminSocketConfig.Level;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * {@code show stat [{<iid>|<proxy>} <type> <sid>] [up|no-maint]}: HAProxy's CSV of every proxy and server, as the
 * {@link StatsRenderer} writes it (the words after {@code show stat} go to it); any level, with {@code addr},
 * {@code cookie} and {@code algo} left empty at level {@code user}.
 */
final class ShowStatCommand implements Command {
    private final AdminContext context;
    private final StatsRenderer stats;

    ShowStatCommand(AdminContext context, StatsRenderer stats) {
        this.context = context;
        this.stats = stats;
    }

    @Override
    public List<String> keywords() {
        return List.of("show", "stat");
    }

    @Override
    public Level level() {
        return Level.USER;
    }

    @Override
    public String usage() {
        return Command.usageLine(
                "show stat [desc|json|no-maint|typed|up]*", "report counters for each proxy and server");
    }

    @Override
    public CompletableFuture<String> run(List<String> args, CliSession session) {
        return Command.reply(stats.render(context, session.userLevel(), args.subList(2, args.size())));
    }
}
