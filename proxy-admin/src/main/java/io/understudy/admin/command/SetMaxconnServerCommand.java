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
 * {@code set maxconn server <b>/<s> <n>}: at most {@code n} sessions at once on that server, 0 for no limit; above it,
 * sessions wait in the backend's queue. A model command, so the state file and the pair's peer follow. HAProxy reads
 * the number with {@code atoi} (a negative or huge value wraps around); here anything but 0..2147483647 is refused.
 */
final class SetMaxconnServerCommand implements Command {
    private final AdminContext context;

    SetMaxconnServerCommand(AdminContext context) {
        this.context = context;
    }

    @Override
    public List<String> keywords() {
        return List.of("set", "maxconn", "server");
    }

    @Override
    public Level level() {
        return Level.ADMIN;
    }

    @Override
    public String usage() {
        return Command.usageLine("set maxconn server <bk>/<srv>", "change a server's maxconn setting");
    }

    @Override
    public CompletableFuture<String> run(List<String> args, CliSession session) {
        ControlPlane control = context.engine().control();
        Server s = ServerLookup.server(control, Command.arg(args, 3));
        String value = Command.arg(args, 4);
        if (value.isEmpty()) {
            throw new CliException(CliMessages.REQUIRE_MAXCONN);
        }
        int max = Counts.parse(value, CliMessages.MAXCONN_GARBAGE);
        return Commits.silent(control.apply(new ControlCommand.SetMaxconn(s, max, Origin.CLI)));
    }
}
