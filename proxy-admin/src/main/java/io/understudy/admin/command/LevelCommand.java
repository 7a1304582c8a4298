package io.understudy.admin.command;

import io.understudy.core.config.AdminSocketConfig.Level;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * {@code operator} and {@code user}: lower the connection's level for the rest of the connection. Never raises it:
 * {@code operator} at level {@code user} is refused with {@link CliMessages#PERMISSION_DENIED} (the command's own level
 * is the one it sets). {@code operator -} / {@code user -} also drop the reply's empty line, as in HAProxy.
 */
final class LevelCommand implements Command {
    private final Level target;

    private LevelCommand(Level target) {
        this.target = target;
    }

    static LevelCommand operator() {
        return new LevelCommand(Level.OPERATOR);
    }

    static LevelCommand user() {
        return new LevelCommand(Level.USER);
    }

    @Override
    public List<String> keywords() {
        return List.of(target.keyword());
    }

    @Override
    public Level level() {
        return target;
    }

    @Override
    public String usage() {
        return Command.usageLine(target.keyword(), "lower the level of the current CLI session to " + target.keyword());
    }

    @Override
    public CompletableFuture<String> run(List<String> args, CliSession session) {
        if ("-".equals(Command.arg(args, 1))) {
            session.suppressNextLf();
        }
        session.lowerTo(target);
        return Command.reply("");
    }
}
