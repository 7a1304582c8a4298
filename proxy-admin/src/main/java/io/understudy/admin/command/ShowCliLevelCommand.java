package io.understudy.admin.command;

import io.understudy.core.config.AdminSocketConfig.Level;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** {@code show cli level}: the connection's current level, {@code admin}, {@code operator} or {@code user}. */
final class ShowCliLevelCommand implements Command {
    @Override
    public List<String> keywords() {
        return List.of("show", "cli", "level");
    }

    @Override
    public Level level() {
        return Level.USER;
    }

    @Override
    public String usage() {
        return Command.usageLine("show cli level", "display the level of the current CLI session");
    }

    @Override
    public CompletableFuture<String> run(List<String> args, CliSession session) {
        return Command.reply(session.level().keyword() + "\n");
    }
}
