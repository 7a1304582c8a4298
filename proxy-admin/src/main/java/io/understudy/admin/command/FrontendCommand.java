package io.understudy.admin.command;

import io.understudy.admin.AdminContext;
import io.understudy.core.config.AdminSocketConfig.Level;
import io.understudy.core.model.ControlCommand;
import io.understudy.core.model.ControlCommand.FrontendAction;
import io.understudy.core.model.Origin;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * {@code disable frontend <f>}, {@code enable frontend <f>} and {@code shutdown frontend <f>}, with HAProxy 2.6's
 * answers. Disabling stops the listener, so new connections are refused at once (HAProxy pauses it the same way);
 * sessions already open are not touched. Disable and enable are decisions, kept in the state file and shared with the
 * pair's peer; a shutdown lasts until the process restarts and stays on this proxy.
 */
final class FrontendCommand implements Command {
    private final AdminContext context;
    private final FrontendAction action;
    private final String verb;
    private final String help;

    private FrontendCommand(AdminContext context, FrontendAction action, String verb, String help) {
        this.context = context;
        this.action = action;
        this.verb = verb;
        this.help = help;
    }

    static FrontendCommand disable(AdminContext context) {
        return new FrontendCommand(context, FrontendAction.DISABLE, "disable", "temporarily disable specific frontend");
    }

    static FrontendCommand enable(AdminContext context) {
        return new FrontendCommand(context, FrontendAction.ENABLE, "enable", "re-enable specific frontend");
    }

    static FrontendCommand shutdown(AdminContext context) {
        return new FrontendCommand(context, FrontendAction.SHUTDOWN, "shutdown", "stop a specific frontend");
    }

    @Override
    public List<String> keywords() {
        return List.of(verb, "frontend");
    }

    @Override
    public Level level() {
        return Level.ADMIN;
    }

    @Override
    public String usage() {
        return Command.usageLine(verb + " frontend <frontend>", help);
    }

    @Override
    public CompletableFuture<String> run(List<String> args, CliSession session) {
        String name = Command.arg(args, 2);
        if (name.isEmpty()) {
            throw new CliException(CliMessages.FRONTEND_EXPECTED);
        }
        return Commits.silent(
                context.engine().control().apply(new ControlCommand.ChangeFrontend(name, action, Origin.CLI)));
    }
}
