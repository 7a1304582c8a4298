package io.understudy.admin.command;

import io.understudy.admin.AdminContext;
import io.understudy.core.config.AdminSocketConfig.Level;
import io.understudy.core.model.Backend;
import io.understudy.core.model.BackendSnapshot;
import io.understudy.core.model.Server;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * {@code show backend}: HAProxy's list of backend names ({@code # name} then one per line). {@code show backend <b>} is
 * Understudy's: where that backend's new sessions go and whether an operator pinned them (manual failback), as
 *
 * <pre>
 * # be_name active_server pinned_server failback
 * MySQL Secondary Secondary manual
 * </pre>
 *
 * where {@code active_server} is the server a new session goes to first ({@code -} when none is usable),
 * {@code pinned_server} the pin set by {@code set backend <b> active-server <s>} or by manual failback ({@code -} when
 * none), and {@code failback} the configured mode. In a pair two more columns: {@code epoch} ({@code 7/lbA}: the
 * version of the decisions and who took the last) and {@code writer_lock} ({@code holding:Primary},
 * {@code adopted:Primary}, {@code blocked}, {@code following}, {@code waiting}, or {@code off}). Any level.
 */
final class ShowBackendCommand implements Command {
    private final AdminContext context;

    ShowBackendCommand(AdminContext context) {
        this.context = context;
    }

    @Override
    public List<String> keywords() {
        return List.of("show", "backend");
    }

    @Override
    public Level level() {
        return Level.USER;
    }

    @Override
    public String usage() {
        return Command.usageLine("show backend [<backend>]", "list backends, or show where one sends its traffic");
    }

    @Override
    public CompletableFuture<String> run(List<String> args, CliSession session) {
        String name = Command.arg(args, 2);
        StringBuilder out = new StringBuilder();
        if (name.isEmpty()) {
            out.append("# name\n");
            context.engine().control().backends().forEach(b -> out.append(b.name())
                    .append('\n'));
            return Command.reply(out.toString());
        }
        Backend b = ServerLookup.backend(context.engine().control(), name)
                .orElseThrow(() -> new CliException(CliMessages.NO_SUCH_BACKEND));
        BackendSnapshot snap = b.snapshot();
        boolean pair = context.peers().isPresent();
        out.append("# be_name active_server pinned_server failback")
                .append(pair ? " epoch writer_lock\n" : "\n")
                .append(b.name())
                .append(' ')
                .append(snap.first().map(Server::name).orElse("-"))
                .append(' ')
                .append(snap.pinned().map(Server::name).orElse("-"))
                .append(' ')
                .append(b.config().failover().failback().name().toLowerCase(java.util.Locale.ROOT));
        if (pair) {
            var epoch = context.engine().control().adminState().epoch();
            out.append(' ')
                    .append(epoch.value())
                    .append(epoch.by().isEmpty() ? "" : "/" + epoch.by())
                    .append(' ');
            out.append(context.fence()
                    .flatMap(f -> f.view(b.name()))
                    .map(v -> v.state() + v.server().map(sv -> ":" + sv).orElse(""))
                    .orElse("off"));
        }
        out.append('\n');
        return Command.reply(out.toString());
    }
}
