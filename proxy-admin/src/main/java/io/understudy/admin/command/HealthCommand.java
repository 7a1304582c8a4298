package io.understudy.admin.command;

import io.understudy.admin.AdminContext;
import io.understudy.core.config.AdminSocketConfig.Level;
import io.understudy.core.model.Server;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * {@code disable health <b>/<s>} and {@code enable health <b>/<s>}: suspend or resume a server's health checks; its
 * state stays as the last checks left it. Enabling checks on a server without {@code check} is refused with HAProxy's
 * text; disabling them there is a silent no-op, as in HAProxy. Admin only.
 */
final class HealthCommand implements Command {
    private final AdminContext context;
    private final Executor blocking;
    private final boolean enable;

    private HealthCommand(AdminContext context, Executor blocking, boolean enable) {
        this.context = context;
        this.blocking = blocking;
        this.enable = enable;
    }

    static HealthCommand enable(AdminContext context, Executor blocking) {
        return new HealthCommand(context, blocking, true);
    }

    static HealthCommand disable(AdminContext context, Executor blocking) {
        return new HealthCommand(context, blocking, false);
    }

    @Override
    public List<String> keywords() {
        return List.of(enable ? "enable" : "disable", "health");
    }

    @Override
    public Level level() {
        return Level.ADMIN;
    }

    @Override
    public String usage() {
        return enable
                ? Command.usageLine("enable health", "enable health checks")
                : Command.usageLine("disable health", "disable health checks");
    }

    @Override
    public CompletableFuture<String> run(List<String> args, CliSession session) {
        Server s = ServerLookup.server(context.engine().control(), Command.arg(args, 2));
        if (context.health().snapshot(s).isEmpty()) {
            if (enable) {
                throw new CliException(CliMessages.HEALTH_NOT_CONFIGURED);
            }
            return Command.reply("");
        }
        // pause() waits for the control plane's thread: never on the event loop.
        return CompletableFuture.supplyAsync(
                () -> {
                    context.health().pause(s, !enable);
                    return "";
                },
                blocking);
    }
}
