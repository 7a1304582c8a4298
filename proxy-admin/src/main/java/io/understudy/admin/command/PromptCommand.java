package io.understudy.admin.command;

import io.understudy.core.config.AdminSocketConfig.Level;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * {@code prompt}: toggles interactive mode, where the connection stays open and every reply is followed by
 * {@code "\n> "}; {@code prompt timed} shows the uptime in the prompt. Listed by {@code help} among the lines it always
 * prints, so it has no usage line of its own.
 */
final class PromptCommand implements Command {
    @Override
    public List<String> keywords() {
        return List.of("prompt");
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
        if ("timed".equals(Command.arg(args, 1))) {
            session.toggleTimedPrompt();
        } else {
            session.togglePrompt();
        }
        return Command.reply("");
    }
}
