package io.understudy.admin.command;

import io.understudy.admin.AdminContext;
import io.understudy.core.config.AdminSocketConfig.Level;
import io.understudy.core.config.HostPort;
import io.understudy.core.config.IpLiteral;
import io.understudy.core.model.Backend;
import io.understudy.core.model.ControlCommand;
import io.understudy.core.model.ControlPlane;
import io.understudy.core.model.Origin;
import io.understudy.core.model.ServerName;
import io.understudy.core.model.ServerRef;
import io.understudy.core.model.ServerSpec;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * {@code add server <b>/<s> <ip>:<port> [backup] [check] [weight <n>] [maxconn <n>]}: HAProxy 2.4+'s dynamic server,
 * with its answers. The server joins in maintenance ({@code enable server} puts it in service); {@code check} gives it
 * the backend's check (that of the first server the config checks), already on, unlike HAProxy's, which waits for
 * {@code enable health}. A model command: the state file and the pair's peer keep the server. Addresses only: a name
 * would need DNS on the admin socket's event loop.
 */
final class AddServerCommand implements Command {
    private final AdminContext context;

    AddServerCommand(AdminContext context) {
        this.context = context;
    }

    @Override
    public List<String> keywords() {
        return List.of("add", "server");
    }

    @Override
    public Level level() {
        return Level.ADMIN;
    }

    @Override
    public String usage() {
        return Command.usageLine("add server <bk>/<srv>", "create a new server");
    }

    @Override
    public CompletableFuture<String> run(List<String> args, CliSession session) {
        ControlPlane control = context.engine().control();
        ServerLookup.InBackend named = ServerLookup.inBackend(control, Command.arg(args, 2));
        ServerRef ref = named.ref();
        Backend backend = named.backend();
        if (!ServerName.valid(ref.server())) {
            throw new CliException(ServerName.invalid(ref.server()));
        }
        String address = Command.arg(args, 3);
        if (address.isEmpty()) {
            throw new CliException(CliMessages.ADD_SERVER_EXPECTS);
        }
        ServerSpec spec = spec(address, args.subList(Math.min(4, args.size()), args.size()), ref.server());
        return control.apply(new ControlCommand.AddServer(backend, ref.server(), spec, Origin.CLI))
                .thenApply(c -> {
                    if (c.refused()) {
                        throw new CliException(c.refusal().get() + "\n");
                    }
                    return CliMessages.NEW_SERVER_REGISTERED;
                });
    }

    private static ServerSpec spec(String address, List<String> words, String name) {
        HostPort at = address(address);
        boolean backup = false;
        boolean check = false;
        int weight = 1;
        int maxconn = 0;
        for (int i = 0; i < words.size(); i++) {
            String w = words.get(i);
            switch (w) {
                case "backup" -> backup = true;
                case "check" -> check = true;
                case "weight" -> {
                    String v = i + 1 < words.size() ? words.get(++i) : "";
                    weight = integer(v, "'weight' expects an integer argument.\n");
                    if (weight < 0 || weight > 256) {
                        throw new CliException(
                                "weight of server " + name + " is not within 0 and 256 (" + weight + ")..\n");
                    }
                }
                case "maxconn" -> {
                    String v = i + 1 < words.size() ? words.get(++i) : "";
                    maxconn = integer(v, "'maxconn' expects an integer argument.\n");
                    if (maxconn < 0) {
                        throw new CliException(CliMessages.VALUE_OUT_OF_RANGE);
                    }
                }
                default -> throw new CliException("unknown keyword '" + w + "'.\n");
            }
        }
        return new ServerSpec(at, backup, check, weight, maxconn);
    }

    /** {@code ip:port} or {@code [v6]:port}: HAProxy's answer for a bad port, a clear one for a name. */
    private static HostPort address(String text) {
        int colon = text.lastIndexOf(':');
        String host = colon > 0 ? text.substring(0, colon) : text;
        boolean v6 = text.startsWith("[") || (colon > 0 && host.indexOf(':') >= 0 && !host.startsWith("["));
        if (colon <= 0 || (v6 && !host.startsWith("["))) {
            throw new CliException("'" + text + "' has no port: add server takes <ip>:<port> ([<ipv6>]:<port>).\n");
        }
        String port = text.substring(colon + 1);
        int p;
        try {
            p = Integer.parseInt(port);
        } catch (NumberFormatException e) {
            throw new CliException("invalid port '" + port + "'\n");
        }
        if (p < 1 || p > 65535) {
            throw new CliException("invalid port '" + port + "'\n");
        }
        return IpLiteral.parse(host)
                .map(ip -> IpLiteral.hostPort(ip, p))
                .orElseThrow(
                        () -> new CliException(
                                "'" + host
                                        + "' is not an IP address: names are not resolved at runtime (add server takes <ip>:<port>).\n"));
    }

    private static int integer(String v, String message) {
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new CliException(message);
        }
    }
}
