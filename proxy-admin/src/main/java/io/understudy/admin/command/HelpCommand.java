package io.understudy.admin.command;

import io.understudy.core.config.AdminSocketConfig.Level;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** {@code help [<command>]}: the commands, or those matching the words given, in HAProxy's layout. */
final class HelpCommand implements Command {
    private final UsageMessage usage;

    HelpCommand(UsageMessage usage) {
        this.usage = usage;
    }

    @Override
    public List<String> keywords() {
        return List.of("help");
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
        return Command.reply(usage.help(args));
    }
}
