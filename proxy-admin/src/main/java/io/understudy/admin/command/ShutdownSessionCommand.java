package io.understudy.admin.command;

import io.understudy.admin.AdminContext;
import io.understudy.core.config.AdminSocketConfig.Level;
import io.understudy.core.session.ProxySession;
import io.understudy.core.session.TerminationCause;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * {@code shutdown session <id>}: closes one session at once (both sides, termination {@code KD}), the id as
 * {@code show sess} prints it ({@code 0x1a}; decimal and octal also read, as HAProxy's {@code strtoul} does). Replies
 * with an empty line; the close itself happens on the session's event loop right after. Admin only.
 */
final class ShutdownSessionCommand implements Command {
    private final AdminContext context;

    ShutdownSessionCommand(AdminContext context) {
        this.context = context;
    }

    @Override
    public List<String> keywords() {
        return List.of("shutdown", "session");
    }

    @Override
    public Level level() {
        return Level.ADMIN;
    }

    @Override
    public String usage() {
        return Command.usageLine("shutdown session [id]", "kill a specific session");
    }

    @Override
    public CompletableFuture<String> run(List<String> args, CliSession session) {
        long id = SessionPointer.parse(Command.arg(args, 2));
        if (id == 0) {
            throw new CliException(CliMessages.SESSION_POINTER_EXPECTED);
        }
        ProxySession victim =
                context.engine().sessions().find(id).orElseThrow(() -> new CliException(CliMessages.NO_SUCH_SESSION));
        victim.terminate(TerminationCause.KILLED_BY_ADMIN, false);
        return Command.reply("");
    }
}
