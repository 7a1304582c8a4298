package io.understudy.admin.command;

import io.understudy.core.config.AdminSocketConfig.Level;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** {@code quit}: closes the connection at once, without a prompt or an empty line. */
final class QuitCommand implements Command {
    @Override
    public List<String> keywords() {
        return List.of("quit");
    }

    @Override
    public Level level() {
        return Level.USER;
    }

    @Override
    public String usage() {
        return "";
    }

    @Override
    public CompletableFuture<String> run(List<String> args, CliSession session) {
        session.requestQuit();
        return Command.reply("");
    }
}
