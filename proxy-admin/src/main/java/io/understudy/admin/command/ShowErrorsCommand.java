package io.understudy.admin.command;

import io.understudy.admin.AdminContext;
import io.understudy.core.config.AdminSocketConfig.Level;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;

/**
 * {@code show errors [<proxy>|-1] [request|response]}: HAProxy's report of captured malformed requests and responses.
 * HAProxy captures them only while parsing HTTP, so for a TCP proxy it always reports none; Understudy, which parses
 * no client traffic and keeps no copy of a server's malformed greeting (the check and the log line say what was
 * wrong), reports none the same way, with HAProxy's line. An unknown proxy gets HAProxy's {@code No such proxy.}.
 * Operator level, as in HAProxy.
 */
final class ShowErrorsCommand implements Command {
    private static final DateTimeFormatter NOW =
            DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss.SSS", Locale.ROOT).withZone(ZoneId.systemDefault());

    private final AdminContext context;

    ShowErrorsCommand(AdminContext context) {
        this.context = context;
    }

    @Override
    public List<String> keywords() {
        return List.of("show", "errors");
    }

    @Override
    public Level level() {
        return Level.OPERATOR;
    }

    @Override
    public String usage() {
        return Command.usageLine(
                "show errors [<px>] [request|response]", "report last request and/or response errors for each proxy");
    }

    @Override
    public CompletableFuture<String> run(List<String> args, CliSession session) {
        String proxy = Command.arg(args, 2);
        if (!proxy.isEmpty() && !proxy.equals("-1") && !proxy.equals("request") && !proxy.equals("response")) {
            boolean known =
                    context.engine().frontends().stream().anyMatch(f -> f.name().equals(proxy)) || proxyNumber(proxy);
            if (!known) {
                throw new CliException(CliMessages.NO_SUCH_PROXY);
            }
        }
        return Command.reply("Total events captured on [" + NOW.format(Instant.now()) + "] : 0\n");
    }

    /** A proxy given by its number ({@code iid}), as HAProxy also accepts. */
    private boolean proxyNumber(String text) {
        try {
            int id = Integer.parseInt(text);
            int first = context.engine().proxyId(0);
            return id >= first && id < first + context.engine().frontends().size();
        } catch (NumberFormatException e) {
            return false;
        }
    }
}
