package io.understudy.admin.command;

import io.understudy.admin.AdminContext;
import io.understudy.core.config.AdminSocketConfig.Level;
import io.understudy.core.model.AdminMode;
import io.understudy.core.model.ControlCommand;
import io.understudy.core.model.ControlPlane;
import io.understudy.core.model.Origin;
import io.understudy.core.model.Server;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * {@code set server <b>/<s> state ready|drain|maint} and {@code set server <b>/<s> weight <w>[%]}, HAProxy's checks in
 * HAProxy's order: level, then the server, then the sub-command. Admin only. HAProxy's other sub-commands ({@code addr},
 * {@code health}, {@code agent}, ...) are refused with the usage line.
 */
final class SetServerCommand implements Command {
    private final AdminContext context;

    SetServerCommand(AdminContext context) {
        this.context = context;
    }

    @Override
    public List<String> keywords() {
        return List.of("set", "server");
    }

    @Override
    public Level level() {
        return Level.ADMIN;
    }

    @Override
    public String usage() {
        return Command.usageLine("set server <bk>/<srv> [opts]", "change a server's state or weight");
    }

    @Override
    public CompletableFuture<String> run(List<String> args, CliSession session) {
        ControlPlane control = context.engine().control();
        Server s = ServerLookup.server(control, Command.arg(args, 2));
        String value = Command.arg(args, 4);
        switch (Command.arg(args, 3)) {
            case "state" -> {
                AdminMode mode =
                        switch (value) {
                            case "ready" -> AdminMode.READY;
                            case "drain" -> AdminMode.DRAIN;
                            case "maint" -> AdminMode.MAINT;
                            default -> throw new CliException(CliMessages.SET_SERVER_STATE_EXPECTS);
                        };
                return Commits.silent(control.apply(
                        new ControlCommand.SetAdminMode(s, mode, Origin.CLI, "set server state " + value)));
            }
            case "weight" -> {
                int w = WeightText.parse(value, s.config().weight());
                return Commits.silent(control.apply(new ControlCommand.SetWeight(s, w, Origin.CLI)));
            }
            default -> throw new CliException(CliMessages.SET_SERVER_USAGE);
        }
    }
}
