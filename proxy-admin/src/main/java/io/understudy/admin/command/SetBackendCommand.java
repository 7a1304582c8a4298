package io.understudy.admin.command;

import io.understudy.admin.AdminContext;
import io.understudy.core.config.AdminSocketConfig.Level;
import io.understudy.core.model.Backend;
import io.understudy.core.model.ControlCommand;
import io.understudy.core.model.ControlPlane;
import io.understudy.core.model.Origin;
import io.understudy.core.model.Server;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Manual failback, which HAProxy has no command for:
 *
 * <ul>
 *   <li>{@code set backend <b> active-server <s>} pins the backend's new sessions to server {@code <s>} (an active
 *       server or a backup), which must be usable now: up, not in maintenance or drain, weight above 0. Otherwise the
 *       command is refused with one line naming why ({@link CliMessages#notUsable}) and nothing moves.
 *   <li>{@code set backend <b> active-server auto} clears the pin: the normal order (usable active servers first, then
 *       the first usable backup) applies again. With {@code failback = manual} a backup that takes the traffic later is
 *       pinned again by the core, as configured.
 * </ul>
 *
 * "Active" here means "taking the traffic", not HAProxy's non-backup servers. Sessions already open stay where they are
 * unless the backend's failover policy closes them. Replies with an empty line once the control plane has moved the
 * traffic; {@code show backend <b>} shows the result. Admin only.
 */
final class SetBackendCommand implements Command {
    private final AdminContext context;

    SetBackendCommand(AdminContext context) {
        this.context = context;
    }

    @Override
    public List<String> keywords() {
        return List.of("set", "backend");
    }

    @Override
    public Level level() {
        return Level.ADMIN;
    }

    @Override
    public String usage() {
        return Command.usageLine("set backend <bk> active-server <srv>|auto", "pin a backend's traffic, or unpin it");
    }

    @Override
    public CompletableFuture<String> run(List<String> args, CliSession session) {
        ControlPlane control = context.engine().control();
        Backend backend = ServerLookup.backend(control, Command.arg(args, 2))
                .orElseThrow(() -> new CliException(CliMessages.NO_SUCH_BACKEND));
        String target = Command.arg(args, 4);
        if (!"active-server".equals(Command.arg(args, 3)) || target.isEmpty()) {
            throw new CliException(CliMessages.SET_BACKEND_USAGE);
        }
        if ("auto".equals(target)) {
            return Commits.silent(control.apply(new ControlCommand.MoveTraffic(
                    backend, Optional.empty(), Origin.CLI, "set backend " + backend.name() + " active-server auto")));
        }
        Server server = ServerLookup.server(control, backend.name() + "/" + target);
        String why = Commits.whyNotUsable(server.state());
        if (!why.isEmpty()) {
            throw new CliException(CliMessages.notUsable(server.id(), why));
        }
        String command = "set backend " + backend.name() + " active-server " + server.name();
        return control.apply(new ControlCommand.MoveTraffic(backend, Optional.of(server), Origin.CLI, command))
                .thenApply(commit -> {
                    if (commit.refused()) {
                        // It stopped being usable between our check and the control plane's.
                        String now = Commits.whyNotUsable(server.state());
                        throw new CliException(CliMessages.notUsable(server.id(), now.isEmpty() ? "changed" : now));
                    }
                    return "";
                });
    }
}
