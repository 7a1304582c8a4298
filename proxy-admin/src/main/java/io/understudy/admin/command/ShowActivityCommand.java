package io.understudy.admin.command;

import io.understudy.admin.AdminContext;
import io.understudy.core.config.AdminSocketConfig.Level;
import io.understudy.core.frontend.Frontend;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * {@code show activity}: the lines of HAProxy 2.6's answer that have a meaning here, with its names and layout. {@code
 * date_now} (seconds and microseconds since the epoch) and {@code accepted} (connections the frontends accepted since
 * start). HAProxy's scheduler counters ({@code loops}, {@code ctxsw}, {@code poll_*}, ...) describe its own event loop
 * and have no counterpart, and neither does the per-thread split in brackets: those lines are left out rather than
 * printed as zeros that would look measured. Any level, as in HAProxy.
 */
final class ShowActivityCommand implements Command {
    private final AdminContext context;

    ShowActivityCommand(AdminContext context) {
        this.context = context;
    }

    @Override
    public List<String> keywords() {
        return List.of("show", "activity");
    }

    @Override
    public Level level() {
        return Level.USER;
    }

    @Override
    public String usage() {
        return Command.usageLine("show activity", "show per-thread activity stats (for support/developers)");
    }

    @Override
    public CompletableFuture<String> run(List<String> args, CliSession session) {
        long micros = Math.multiplyExact(System.currentTimeMillis(), 1000L);
        long accepted = accepted(context.engine().frontends());
        return Command.reply("date_now: " + micros / 1_000_000 + "." + String.format("%06d", micros % 1_000_000)
                + "\naccepted: " + accepted + "\n");
    }

    static long accepted(List<Frontend> frontends) {
        return frontends.stream().mapToLong(f -> f.counters().totalSessions()).sum();
    }
}
