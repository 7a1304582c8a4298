package io.understudy.admin.command;

import io.understudy.admin.AdminContext;
import io.understudy.core.config.AdminSocketConfig.Level;
import io.understudy.core.model.ControlCommand;
import io.understudy.core.model.ControlPlane;
import io.understudy.core.model.Origin;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * {@code set maxconn frontend <f> <n>}, {@code set maxconn global <n>} and {@code set rate-limit connections global
 * <n>}, with HAProxy 2.6's answers. Model commands: the state file and the pair's peer follow. HAProxy reads these
 * numbers with {@code atoi}, so a typo ({@code abc}) silently sets 0 (no limit at all for the rate, the hard limit for
 * global maxconn); here it is refused.
 */
final class SetLimitCommand implements Command {
    private enum Which {
        FRONTEND_MAXCONN,
        GLOBAL_MAXCONN,
        CONN_RATE
    }

    private final AdminContext context;
    private final Which which;

    private SetLimitCommand(AdminContext context, Which which) {
        this.context = context;
        this.which = which;
    }

    static SetLimitCommand frontendMaxconn(AdminContext context) {
        return new SetLimitCommand(context, Which.FRONTEND_MAXCONN);
    }

    static SetLimitCommand globalMaxconn(AdminContext context) {
        return new SetLimitCommand(context, Which.GLOBAL_MAXCONN);
    }

    static SetLimitCommand connRate(AdminContext context) {
        return new SetLimitCommand(context, Which.CONN_RATE);
    }

    @Override
    public List<String> keywords() {
        return switch (which) {
            case FRONTEND_MAXCONN -> List.of("set", "maxconn", "frontend");
            case GLOBAL_MAXCONN -> List.of("set", "maxconn", "global");
            case CONN_RATE -> List.of("set", "rate-limit");
        };
    }

    @Override
    public Level level() {
        return Level.ADMIN;
    }

    @Override
    public String usage() {
        return switch (which) {
            case FRONTEND_MAXCONN -> Command.usageLine(
                    "set maxconn frontend <frontend> <value>", "change a frontend's maxconn setting");
            case GLOBAL_MAXCONN -> Command.usageLine(
                    "set maxconn global <value>", "change the per-process maxconn setting");
            case CONN_RATE -> Command.usageLine("set rate-limit <setting> <value>", "change a rate limiting value");
        };
    }

    @Override
    public CompletableFuture<String> run(List<String> args, CliSession session) {
        ControlPlane control = context.engine().control();
        return switch (which) {
            case FRONTEND_MAXCONN -> {
                String name = Command.arg(args, 3);
                if (name.isEmpty()) {
                    throw new CliException(CliMessages.FRONTEND_EXPECTED);
                }
                if (control.frontend(name).isEmpty()) {
                    throw new CliException(CliMessages.NO_SUCH_FRONTEND);
                }
                int v = number(Command.arg(args, 4), CliMessages.INTEGER_EXPECTED);
                if (v < 1) {
                    throw new CliException(CliMessages.VALUE_OUT_OF_RANGE);
                }
                yield Commits.silent(control.apply(new ControlCommand.SetFrontendMaxconn(name, v, Origin.CLI)));
            }
            case GLOBAL_MAXCONN -> {
                int v = number(Command.arg(args, 3), CliMessages.EXPECTS_INTEGER);
                // Never above what the file descriptors allow (HAProxy: above its hard limit); 0 goes back to that.
                if (v < 0 || v > context.engine().sessionBudget().hardMax()) {
                    throw new CliException(CliMessages.VALUE_OUT_OF_RANGE);
                }
                yield Commits.silent(control.apply(new ControlCommand.SetGlobalMaxconn(v, Origin.CLI)));
            }
            case CONN_RATE -> {
                if (!Command.arg(args, 2).equals("connections")
                        || !Command.arg(args, 3).equals("global")) {
                    throw new CliException(CliMessages.SET_RATE_LIMIT_USAGE);
                }
                int v = number(Command.arg(args, 4), CliMessages.EXPECTS_INTEGER);
                if (v < 0) {
                    throw new CliException(CliMessages.VALUE_OUT_OF_RANGE);
                }
                yield Commits.silent(control.apply(new ControlCommand.SetConnRateLimit(v, Origin.CLI)));
            }
        };
    }

    /** The whole word as an int, or {@code missing} when it is absent or not a number. */
    private static int number(String word, String missing) {
        try {
            return Integer.parseInt(word);
        } catch (NumberFormatException e) {
            if (!word.isEmpty() && (word.matches("[-+]?[0-9]+"))) {
                throw new CliException(CliMessages.VALUE_OUT_OF_RANGE);
            }
            throw new CliException(missing);
        }
    }
}
