package io.understudy.admin.command;

import io.understudy.admin.AdminContext;
import io.understudy.core.config.AdminSocketConfig.Level;
import io.understudy.core.model.AdminMode;
import io.understudy.core.model.ControlCommand;
import io.understudy.core.model.Origin;
import io.understudy.core.model.Server;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * {@code enable server <b>/<s>}: leaves maintenance and drain, as {@code set server ... state ready}; this also brings
 * up a server the configuration disabled (see {@link AdminMode}). The health checker re-checks it at once.
 * Replies with an empty line. Admin only.
 */
final class EnableServerCommand implements Command {
    private final AdminContext context;

    EnableServerCommand(AdminContext context) {
        this.context = context;
    }

    @Override
    public List<String> keywords() {
        return List.of("enable", "server");
    }

    @Override
    public Level level() {
        return Level.ADMIN;
    }

    @Override
    public String usage() {
        return Command.usageLine("enable server  (DEPRECATED)", "enable a disabled server (use 'set server' instead)");
    }

    @Override
    public CompletableFuture<String> run(List<String> args, CliSession session) {
        Server s = ServerLookup.server(context.engine().control(), Command.arg(args, 2));
        return Commits.silent(context.engine()
                .control()
                .apply(new ControlCommand.SetAdminMode(s, AdminMode.READY, Origin.CLI, "enable server")));
    }
}
