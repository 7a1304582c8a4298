package io.understudy.admin.command;

import io.understudy.admin.AdminContext;
import io.understudy.core.config.AdminSocketConfig.Level;
import io.understudy.core.model.ControlCommand;
import io.understudy.core.model.Origin;
import io.understudy.core.model.Server;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * {@code disable health <b>/<s>} and {@code enable health <b>/<s>}: suspend or resume a server's health checks; its
 * state stays as the last checks left it. Enabling checks on a server without {@code check} is refused with HAProxy's
 * text; disabling them there is a silent no-op, as in HAProxy. Admin only.
 */
final class HealthCommand implements Command {
    private final AdminContext context;
    private final boolean enable;

    private HealthCommand(AdminContext context, boolean enable) {
        this.context = context;
        this.enable = enable;
    }

    static HealthCommand enable(AdminContext context) {
        return new HealthCommand(context, true);
    }

    static HealthCommand disable(AdminContext context) {
        return new HealthCommand(context, false);
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
        if (!s.config().check().enabled()) {
            if (enable) {
                throw new CliException(CliMessages.HEALTH_NOT_CONFIGURED);
            }
            return Command.reply("");
        }
        return Commits.silent(
                context.engine().control().apply(new ControlCommand.SetChecksEnabled(s, enable, Origin.CLI)));
    }
}
