package io.understudy.admin.command;

import io.understudy.admin.AdminContext;
import io.understudy.core.config.AdminSocketConfig.Level;
import io.understudy.core.model.Server;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** {@code get weight <b>/<s>}: {@code <current> (initial <configured>)}, e.g. {@code 1 (initial 1)}; any level. */
final class GetWeightCommand implements Command {
    private final AdminContext context;

    GetWeightCommand(AdminContext context) {
        this.context = context;
    }

    @Override
    public List<String> keywords() {
        return List.of("get", "weight");
    }

    @Override
    public Level level() {
        return Level.USER;
    }

    @Override
    public String usage() {
        return Command.usageLine("get weight <bk>/<srv>", "report a server's current weight");
    }

    @Override
    public CompletableFuture<String> run(List<String> args, CliSession session) {
        Server s = ServerLookup.server(context.engine().control(), Command.arg(args, 2));
        return Command.reply(s.state().weight() + " (initial " + s.config().weight() + ")\n");
    }
}
