package io.understudy.admin.command;

import io.understudy.admin.AdminContext;
import io.understudy.core.config.AdminSocketConfig.Level;
import io.understudy.core.model.ControlCommand;
import io.understudy.core.model.Origin;
import io.understudy.core.model.PairRole;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * {@code set vrrp state <MASTER|BACKUP|FAULT|STOP>}: what keepalived's {@code notify} script tells this proxy (see
 * conf/keepalived/understudy-notify.sh). The MASTER decides where the pair's writer is; the others follow it. Only in
 * a pair ({@code peers} in the config). Admin level.
 */
final class SetVrrpCommand implements Command {
    static final String USAGE = "usage: set vrrp state <MASTER|BACKUP|FAULT|STOP>\n";

    private final AdminContext context;

    SetVrrpCommand(AdminContext context) {
        this.context = context;
    }

    @Override
    public List<String> keywords() {
        return List.of("set", "vrrp");
    }

    @Override
    public Level level() {
        return Level.ADMIN;
    }

    @Override
    public String usage() {
        return Command.usageLine("set vrrp state <state>", "keepalived's notify: MASTER decides, others follow");
    }

    @Override
    public CompletableFuture<String> run(List<String> args, CliSession session) {
        if (args.size() != 4 || !args.get(2).equals("state")) {
            throw new CliException(USAGE);
        }
        Optional<PairRole> role = PairRole.ofKeepalived(args.get(3));
        if (role.isEmpty()) {
            throw new CliException("unknown VRRP state '" + args.get(3) + "'.\n" + USAGE);
        }
        if (context.peers().isEmpty()) {
            throw new CliException("no peers section in the config: this proxy has no pair.\n");
        }
        return Commits.silent(context.engine().control().apply(new ControlCommand.SetPairRole(role.get(), Origin.CLI)));
    }
}
