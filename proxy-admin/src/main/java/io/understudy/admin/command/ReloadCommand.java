package io.understudy.admin.command;

import io.understudy.admin.AdminContext;
import io.understudy.core.config.AdminSocketConfig.Level;
import io.understudy.core.model.Origin;
import io.understudy.core.reload.ConfigReloader;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * {@code reload}: reads the configuration file again and applies it in place (what SIGHUP does), answering with one line
 * per changed object, or with why nothing changed. Not in HAProxy 2.6's stats socket (its master CLI has a {@code
 * reload} that restarts workers); here the listening sockets stay and no session is cut. Level admin.
 */
final class ReloadCommand implements Command {
    private final AdminContext context;

    ReloadCommand(AdminContext context) {
        this.context = context;
    }

    @Override
    public List<String> keywords() {
        return List.of("reload");
    }

    @Override
    public Level level() {
        return Level.ADMIN;
    }

    @Override
    public String usage() {
        return Command.usageLine("reload", "read the configuration file again and apply it in place");
    }

    @Override
    public CompletableFuture<String> run(List<String> args, CliSession session) {
        if (context.reloader().isEmpty()) {
            return Command.reply("Reload is not available: this proxy was not started from a configuration file.\n");
        }
        ConfigReloader reloader = context.reloader().get();
        // Reads a file and waits for the control plane.
        return Command.onOwnThread(
                "understudy-reload", () -> reloader.reload(Origin.RELOAD).text());
    }
}
