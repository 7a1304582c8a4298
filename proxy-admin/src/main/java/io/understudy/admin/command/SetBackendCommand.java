package io.understudy.admin.command;

import io.understudy.admin.AdminContext;
import io.understudy.core.config.AdminSocketConfig.Level;
import io.understudy.core.model.Backend;
import io.understudy.core.model.ControlCommand;
import io.understudy.core.model.ControlPlane;
import io.understudy.core.model.Origin;
import io.understudy.core.model.Server;
import java.time.Duration;
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
 * <ul>
 *   <li>{@code set backend <b> active-server <s> graceful [timeout <t>]} moves a writer-role backend's traffic with no
 *       write lost or misplaced: hold new sessions, drain the old server, wait until {@code <s>} has applied what the
 *       old one committed, then release ({@link GracefulSwitchover}); the reply lists the phases. {@code <t>}
 *       (default: the backend's {@code timeout queue}, so the held clients do not time out) bounds drain and catch-up.
 * </ul>
 *
 * "Active" here means "taking the traffic", not HAProxy's non-backup servers. In the writer role, a move drains the
 * old server's sessions (docs/configuration.md, "Moving the writer"); otherwise sessions already open stay where they
 * are unless the backend's failover policy closes them. Replies with an empty line once the control plane has moved the
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
        boolean graceful = "graceful".equals(Command.arg(args, 5));
        if (!Command.arg(args, 5).isEmpty() && !graceful || "auto".equals(target) && graceful) {
            throw new CliException(CliMessages.SET_BACKEND_USAGE);
        }
        Optional<Duration> gracefulTimeout = graceful ? Optional.of(gracefulTimeout(backend, args)) : Optional.empty();
        if ("auto".equals(target)) {
            return Commits.silent(control.apply(new ControlCommand.MoveTraffic(
                    backend, Optional.empty(), Origin.CLI, "set backend " + backend.name() + " active-server auto")));
        }
        Server server = ServerLookup.server(control, backend.name() + "/" + target);
        String why = Commits.whyNotUsable(server.state());
        if (!why.isEmpty()) {
            throw new CliException(CliMessages.notUsable(server.id(), why));
        }
        if (gracefulTimeout.isPresent()) {
            return graceful(control, backend, server, gracefulTimeout.get());
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

    /** {@code ... graceful [timeout <t>]}: see {@link GracefulSwitchover}. */
    private CompletableFuture<String> graceful(ControlPlane control, Backend backend, Server server, Duration timeout) {
        if (!backend.snapshot().writer()) {
            throw new CliException("Backend " + backend.name()
                    + " has no writer role (balance first, or one active server with backups): nothing to switch"
                    + " over.\n");
        }
        Optional<Server> from = backend.snapshot().first();
        if (from.isEmpty()) {
            throw new CliException("Backend " + backend.name() + " has no server with the traffic now.\n");
        }
        if (from.get() == server) {
            throw new CliException(server.id() + " already has the traffic.\n");
        }
        return new GracefulSwitchover(control, context.engine().sessions(), backend, from.get(), server, timeout).run();
    }

    /** {@code [timeout <t>]} after {@code graceful}; the backend's {@code timeout queue} when absent. */
    private static Duration gracefulTimeout(Backend backend, List<String> args) {
        if (Command.arg(args, 6).isEmpty()) {
            Duration queue = backend.config().queueTimeout();
            return queue.compareTo(GracefulSwitchover.MAX_TIMEOUT) > 0 ? GracefulSwitchover.MAX_TIMEOUT : queue;
        }
        if (!"timeout".equals(Command.arg(args, 6)) || args.size() > 8) {
            throw new CliException(CliMessages.SET_BACKEND_USAGE);
        }
        return CliDurations.parse(Command.arg(args, 7))
                .filter(d -> d.compareTo(GracefulSwitchover.MAX_TIMEOUT) <= 0)
                .orElseThrow(() -> new CliException("Invalid timeout '" + Command.arg(args, 7)
                        + "': expected a duration from 1ms to 8s such as 500ms or 5s.\n"));
    }
}
