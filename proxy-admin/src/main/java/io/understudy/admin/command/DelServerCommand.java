package io.understudy.admin.command;

import io.understudy.admin.AdminContext;
import io.understudy.core.config.AdminSocketConfig.Level;
import io.understudy.core.model.Backend;
import io.understudy.core.model.ControlCommand;
import io.understudy.core.model.ControlPlane;
import io.understudy.core.model.Origin;
import io.understudy.core.model.Server;
import io.understudy.core.model.ServerRef;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * {@code del server <b>/<s>}: removes a server that is in maintenance and has no session, HAProxy 2.6's rules and
 * answers (which end without a blank line). Like HAProxy 2.6, a server of the config may be deleted too; the state
 * file remembers it, so a restart does not bring it back until the config is edited.
 */
final class DelServerCommand implements Command {
    private final AdminContext context;

    DelServerCommand(AdminContext context) {
        this.context = context;
    }

    @Override
    public List<String> keywords() {
        return List.of("del", "server");
    }

    @Override
    public Level level() {
        return Level.ADMIN;
    }

    @Override
    public String usage() {
        return Command.usageLine("del server <bk>/<srv>", "remove a dynamically added server");
    }

    @Override
    public CompletableFuture<String> run(List<String> args, CliSession session) {
        ControlPlane control = context.engine().control();
        ServerLookup.InBackend named = ServerLookup.inBackend(control, Command.arg(args, 2));
        ServerRef ref = named.ref();
        Backend backend = named.backend();
        Server server = ServerRef.findServer(backend, ref.server())
                .orElseThrow(() -> new CliException(ControlPlane.NO_SUCH_SERVER));
        return control.apply(new ControlCommand.DeleteServer(server, Origin.CLI))
                .thenApply(c -> {
                    if (c.refused()) {
                        throw new CliException(c.refusal().get());
                    }
                    return CliMessages.SERVER_DELETED;
                });
    }
}
