package io.understudy.admin.command;

import io.understudy.admin.AdminContext;
import io.understudy.core.config.AdminSocketConfig.Level;
import io.understudy.core.model.ModelEvent;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * {@code show events [<count>]}: the last changes of the runtime model, oldest first (default 100; the proxy keeps the
 * last 1,000), one per line with when, the generation it made, where it came from, what changed and why, so that "why
 * did traffic move at 03:12?" is answered from the socket:
 *
 * <pre>
 * # time generation origin object change (reason)
 * 2026-12-02T03:12:07.412Z #14 traffic MySQL/Primary UP -> DOWN, health 2 -> 0/4 (Layer4 connection problem, ...)
 * 2026-12-02T03:12:07.412Z #14 traffic MySQL traffic Primary -> Secondary (Layer4 connection problem, ...)
 * </pre>
 *
 * The same lines are logged at INFO by the {@code understudy.events} logger. HAProxy's {@code show events} lists its
 * log rings instead; Understudy has no rings, so the word is reused for the model's events. Operator level and above.
 */
final class ShowEventsCommand implements Command {
    static final int DEFAULT_COUNT = 100;
    static final String USAGE = "usage: show events [<count>]\n";

    private final AdminContext context;

    ShowEventsCommand(AdminContext context) {
        this.context = context;
    }

    @Override
    public List<String> keywords() {
        return List.of("show", "events");
    }

    @Override
    public Level level() {
        return Level.OPERATOR;
    }

    @Override
    public String usage() {
        return Command.usageLine("show events [<count>]", "show the last changes of servers and traffic");
    }

    @Override
    public CompletableFuture<String> run(List<String> args, CliSession session) {
        String n = Command.arg(args, 2);
        int count = DEFAULT_COUNT;
        if (!n.isEmpty()) {
            if (!n.matches("[0-9]{1,9}") || args.size() > 3) {
                throw new CliException(USAGE);
            }
            count = Integer.parseInt(n);
        }
        StringBuilder out = new StringBuilder("# time generation origin object change (reason)\n");
        for (ModelEvent e : context.engine().control().lastEvents(count)) {
            out.append(e.line().replace('\n', ' ')).append('\n');
        }
        return Command.reply(out.toString());
    }
}
