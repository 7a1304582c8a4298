package io.understudy.admin.command;

import io.understudy.admin.AdminContext;
import io.understudy.core.config.AdminSocketConfig.Level;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** {@code show version}: this build's version alone on a line, as HAProxy prints its own. Any level. */
final class ShowVersionCommand implements Command {
    private final AdminContext context;

    ShowVersionCommand(AdminContext context) {
        this.context = context;
    }

    @Override
    public List<String> keywords() {
        return List.of("show", "version");
    }

    @Override
    public Level level() {
        return Level.USER;
    }

    @Override
    public String usage() {
        return Command.usageLine("show version", "show version of the current process");
    }

    @Override
    public CompletableFuture<String> run(List<String> args, CliSession session) {
        return Command.reply(context.version() + "\n");
    }
}
