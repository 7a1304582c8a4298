package io.understudy.admin.command;

import io.understudy.admin.AdminContext;
import io.understudy.core.config.AdminSocketConfig.Level;
import io.understudy.core.model.Server;
import io.understudy.core.session.TerminationCause;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * {@code shutdown sessions server <b>/<s>}: closes every session connected to that server (termination {@code KD}).
 * Replies with an empty line, as HAProxy does. Admin only.
 */
final class ShutdownSessionsServerCommand implements Command {
    private final AdminContext context;

    ShutdownSessionsServerCommand(AdminContext context) {
        this.context = context;
    }

    @Override
    public List<String> keywords() {
        return List.of("shutdown", "sessions", "server");
    }

    @Override
    public Level level() {
        return Level.ADMIN;
    }

    @Override
    public String usage() {
        return Command.usageLine("shutdown sessions server <bk>/<srv>", "kill sessions on a server");
    }

    @Override
    public CompletableFuture<String> run(List<String> args, CliSession session) {
        Server s = ServerLookup.server(context.engine().control(), Command.arg(args, 3));
        context.engine().sessions().closeByServer(s, TerminationCause.KILLED_BY_ADMIN);
        return Command.reply("");
    }
}
