package io.understudy.admin.command;

import io.understudy.admin.AdminContext;
import io.understudy.core.config.AdminSocketConfig.Level;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every admin command, looked up by its first words, HAProxy's way ({@code cli_find_kw}: the first registered command
 * whose keywords all equal the leading words; further words are its arguments). Checks the connection's level before
 * running a command and turns every outcome, refusals and failures included, into the reply text, so that nothing a
 * client sends can raise past it.
 */
public final class CommandRegistry {
    private static final Logger LOG = LoggerFactory.getLogger(CommandRegistry.class);

    private final List<Command> commands;
    private final UsageMessage usage;
    private final long startMillis;

    /**
     * @param commands the commands, in lookup order
     * @param startMillis when the process started, for {@code prompt timed}
     */
    public CommandRegistry(List<Command> commands, long startMillis) {
        this.commands = List.copyOf(commands);
        this.usage = new UsageMessage(this.commands);
        this.startMillis = startMillis;
    }

    /**
     * Every command Understudy's admin socket has: HAProxy's server, session and status commands plus the manual
     * failback ({@code set backend <b> active-server <s>|auto}, {@code show backend <b>}).
     *
     * @param context the running proxy
     * @param stats what {@code show stat} prints
     */
    public static CommandRegistry standard(AdminContext context, StatsRenderer stats) {
        return new CommandRegistry(standardCommands(context, stats), context.startMillis());
    }

    static List<Command> standardCommands(AdminContext context, StatsRenderer stats) {
        List<Command> list = new ArrayList<>();
        list.add(new ShowStatCommand(context, stats));
        list.add(new ShowInfoCommand(context));
        list.add(new ShowServersStateCommand(context));
        list.add(new ShowServersConnCommand(context));
        list.add(new ShowBackendCommand(context));
        list.add(new ShowSessCommand(context));
        list.add(new ShowEventsCommand(context));
        list.add(new ShowPeersCommand(context));
        list.add(new ShowCliLevelCommand());
        list.add(new ShowVersionCommand(context));
        list.add(new ShowActivityCommand(context));
        list.add(new ShowErrorsCommand(context));
        list.add(new ClearCountersCommand(context));
        list.add(new GetWeightCommand(context));
        list.add(new DisableServerCommand(context));
        list.add(new EnableServerCommand(context));
        list.add(new SetServerCommand(context));
        list.add(new SetWeightCommand(context));
        list.add(new SetMaxconnServerCommand(context));
        list.add(new AddServerCommand(context));
        list.add(new DelServerCommand(context));
        list.add(FrontendCommand.disable(context));
        list.add(FrontendCommand.enable(context));
        list.add(FrontendCommand.shutdown(context));
        list.add(SetLimitCommand.frontendMaxconn(context));
        list.add(SetLimitCommand.globalMaxconn(context));
        list.add(SetLimitCommand.connRate(context));
        list.add(new SetBackendCommand(context));
        list.add(new SetVrrpCommand(context));
        list.add(HealthCommand.disable(context));
        list.add(HealthCommand.enable(context));
        list.add(new ShutdownSessionCommand(context));
        list.add(new ShutdownSessionsServerCommand(context));
        list.add(new ReloadCommand(context));
        list.add(new GetSocksCommand(context));
        list.add(new HandoverCommand(context, false));
        list.add(new HandoverCommand(context, true));
        list.add(LevelCommand.operator());
        list.add(LevelCommand.user());
        list.add(new PromptCommand());
        list.add(new QuitCommand());
        list.add(new HelpCommand(new UsageMessage(list)));
        return list;
    }

    public List<Command> commands() {
        return commands;
    }

    public long startMillis() {
        return startMillis;
    }

    /**
     * Runs one command (one {@code ;}-separated part of a request line, already split into words). Never throws and
     * never completes exceptionally except with {@link java.util.concurrent.TimeoutException} when the caller added a
     * timeout: refusals become their message, anything unexpected becomes {@link CliMessages#INTERNAL_ERROR}.
     */
    public CompletableFuture<String> execute(List<String> args, CliSession session) {
        if (args.isEmpty()) {
            // An empty command prints nothing but the end-of-output line (HAProxy ignores empty lines).
            return Command.reply("");
        }
        Command command = find(args);
        if (command == null) {
            return Command.reply(usage.unknown(args));
        }
        if (session.level().compareTo(command.level()) < 0) {
            return Command.reply(CliMessages.PERMISSION_DENIED);
        }
        if (command.level() == Level.ADMIN) {
            LOG.info("admin socket: {}", loggable(String.join(" ", args)));
        }
        try {
            return command.run(args, session).handle((text, failure) -> {
                if (failure == null) {
                    return text;
                }
                return replyFor(args, failure);
            });
        } catch (RuntimeException e) {
            return Command.reply(replyFor(args, e));
        }
    }

    private static String replyFor(List<String> args, Throwable failure) {
        Throwable cause =
                failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
        if (cause instanceof CliException refusal) {
            return refusal.reply();
        }
        LOG.warn("admin command '{}' failed", loggable(String.join(" ", args)), cause);
        return CliMessages.INTERNAL_ERROR;
    }

    /** Longest command text a log line carries: a command is a few words; the socket accepts lines of 64 KiB. */
    static final int MAX_LOGGED_CHARS = 256;

    /**
     * A command as a log line may carry it: control characters (a forged newline would fake a log line, an escape
     * sequence would drive the operator's terminal) written as {@code \xNN}, and at most {@link #MAX_LOGGED_CHARS}
     * characters, then how many more there were.
     */
    static String loggable(String text) {
        StringBuilder out = new StringBuilder(Math.min(text.length(), MAX_LOGGED_CHARS) + 16);
        int i = 0;
        for (; i < text.length() && out.length() < MAX_LOGGED_CHARS; i++) {
            char c = text.charAt(i);
            if (c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0)) {
                out.append(String.format("\\x%02x", (int) c));
            } else {
                out.append(c);
            }
        }
        if (i < text.length()) {
            out.append("... (").append(text.length() - i).append(" more characters)");
        }
        return out.toString();
    }

    private Command find(List<String> args) {
        for (Command c : commands) {
            List<String> kw = c.keywords();
            if (args.size() >= kw.size() && args.subList(0, kw.size()).equals(kw)) {
                return c;
            }
        }
        return null;
    }
}
