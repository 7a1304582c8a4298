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
 * {@code disable server <b>/<s>}: forced maintenance (FMAINT), as {@code set server ... state maint}; the server leaves
 * load balancing and its checks pause, its sessions stay. Replies with an empty line once the control plane has applied
 * it. Admin only.
 */
final class DisableServerCommand implements Command {
    private final AdminContext context;

    DisableServerCommand(AdminContext context) {
        this.context = context;
    }

    @Override
    public List<String> keywords() {
        return List.of("disable", "server");
    }

    @Override
    public Level level() {
        return Level.ADMIN;
    }

    @Override
    public String usage() {
        return Command.usageLine(
                "disable server (DEPRECATED)", "disable a server for maintenance (use 'set server' instead)");
    }

    @Override
    public CompletableFuture<String> run(List<String> args, CliSession session) {
        Server s = ServerLookup.server(context.engine().control(), Command.arg(args, 2));
        return Commits.silent(context.engine()
                .control()
                .apply(new ControlCommand.SetAdminMode(s, AdminMode.MAINT, Origin.CLI, "disable server")));
    }
}
