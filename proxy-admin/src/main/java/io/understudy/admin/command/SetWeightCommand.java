package io.understudy.admin.command;

import io.understudy.admin.AdminContext;
import io.understudy.core.config.AdminSocketConfig.Level;
import io.understudy.core.model.ControlCommand;
import io.understudy.core.model.ControlPlane;
import io.understudy.core.model.Origin;
import io.understudy.core.model.Server;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * {@code set weight <b>/<s> <w>[%]}: HAProxy's older spelling of {@code set server <b>/<s> weight}. Weight 0 takes the
 * server out of load balancing (backups take over if no active server is left). Admin only.
 */
final class SetWeightCommand implements Command {
    private final AdminContext context;

    SetWeightCommand(AdminContext context) {
        this.context = context;
    }

    @Override
    public List<String> keywords() {
        return List.of("set", "weight");
    }

    @Override
    public Level level() {
        return Level.ADMIN;
    }

    @Override
    public String usage() {
        return Command.usageLine(
                "set weight <bk>/<srv>  (DEPRECATED)", "change a server's weight (use 'set server' instead)");
    }

    @Override
    public CompletableFuture<String> run(List<String> args, CliSession session) {
        ControlPlane control = context.engine().control();
        Server s = ServerLookup.server(control, Command.arg(args, 2));
        int w = WeightText.parse(Command.arg(args, 3), s.config().weight());
        return Commits.silent(control.apply(new ControlCommand.SetWeight(s, w, Origin.CLI)));
    }
}
