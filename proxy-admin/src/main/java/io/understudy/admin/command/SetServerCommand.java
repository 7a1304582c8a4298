package io.understudy.admin.command;

import io.netty.util.NetUtil;
import io.understudy.admin.AdminContext;
import io.understudy.core.config.AdminSocketConfig.Level;
import io.understudy.core.config.HostPort;
import io.understudy.core.config.IpLiteral;
import io.understudy.core.model.AdminMode;
import io.understudy.core.model.ControlCommand;
import io.understudy.core.model.ControlPlane;
import io.understudy.core.model.OpState;
import io.understudy.core.model.Origin;
import io.understudy.core.model.Server;
import java.net.InetAddress;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * {@code set server <b>/<s> state ready|drain|maint}, {@code weight <w>[%]}, {@code addr <ip> [port <p>]}, {@code
 * check-port <p>} and {@code health up|stopping|down}, HAProxy's checks in HAProxy's order: level, then the server, then
 * the sub-command. Admin only. HAProxy's other sub-commands ({@code agent}, {@code fqdn}, {@code ssl}, ...) are refused
 * with the usage line.
 */
final class SetServerCommand implements Command {
    private final AdminContext context;

    SetServerCommand(AdminContext context) {
        this.context = context;
    }

    @Override
    public List<String> keywords() {
        return List.of("set", "server");
    }

    @Override
    public Level level() {
        return Level.ADMIN;
    }

    @Override
    public String usage() {
        return Command.usageLine("set server <bk>/<srv> [opts]", "change a server's state, weight, address or health");
    }

    @Override
    public CompletableFuture<String> run(List<String> args, CliSession session) {
        ControlPlane control = context.engine().control();
        Server s = ServerLookup.server(control, Command.arg(args, 2));
        String value = Command.arg(args, 4);
        switch (Command.arg(args, 3)) {
            case "state" -> {
                AdminMode mode =
                        switch (value) {
                            case "ready" -> AdminMode.READY;
                            case "drain" -> AdminMode.DRAIN;
                            case "maint" -> AdminMode.MAINT;
                            default -> throw new CliException(CliMessages.SET_SERVER_STATE_EXPECTS);
                        };
                return Commits.silent(control.apply(
                        new ControlCommand.SetAdminMode(s, mode, Origin.CLI, "set server state " + value)));
            }
            case "weight" -> {
                int w = WeightText.parse(value, s.config().weight());
                return Commits.silent(control.apply(new ControlCommand.SetWeight(s, w, Origin.CLI)));
            }
            case "addr" -> {
                return addr(control, s, args);
            }
            case "check-port" -> {
                if (value.isEmpty()) {
                    throw new CliException(CliMessages.CHECK_PORT_REQUIRED);
                }
                int port;
                try {
                    port = Integer.parseInt(value);
                } catch (NumberFormatException e) {
                    throw new CliException(CliMessages.CHECK_PORT_NOT_INTEGER);
                }
                if (port < 0 || port > 65535) {
                    throw new CliException(CliMessages.CHECK_PORT_INVALID);
                }
                if (!s.config().check().enabled()) {
                    throw new CliException(CliMessages.CHECKS_NOT_ENABLED);
                }
                return Commits.silent(control.apply(new ControlCommand.SetCheckPort(s, port, Origin.CLI)));
            }
            case "health" -> {
                OpState op =
                        switch (value) {
                            case "up" -> OpState.RUNNING;
                            case "stopping" -> OpState.STOPPING;
                            case "down" -> OpState.STOPPED;
                            default -> throw new CliException(CliMessages.SET_SERVER_HEALTH_EXPECTS);
                        };
                return Commits.silent(control.apply(new ControlCommand.ForceHealth(s, op, Origin.CLI)));
            }
            default -> throw new CliException(CliMessages.SET_SERVER_USAGE);
        }
    }

    /**
     * {@code set server <b>/<s> addr <ip> [port <port>]}: HAProxy's answer, which says what changed. Unlike HAProxy, a
     * bad port changes nothing (HAProxy changes the address and reports the port), and a port outside 1..65535 is
     * refused rather than wrapped around.
     */
    private static CompletableFuture<String> addr(ControlPlane control, Server s, List<String> args) {
        String text = Command.arg(args, 4);
        if (text.isEmpty()) {
            throw new CliException(CliMessages.SET_ADDR_REQUIRES);
        }
        Optional<InetAddress> ip = IpLiteral.parse(text);
        if (ip.isEmpty()) {
            throw new CliException("Invalid addr '" + text + "'" + CliMessages.BY_CLI + "\n");
        }
        HostPort was = s.state().settings().address();
        int port = was.port();
        String portPart = "";
        if (Command.arg(args, 5).equals("port")) {
            String p = Command.arg(args, 6);
            try {
                port = Integer.parseInt(p);
            } catch (NumberFormatException e) {
                throw new CliException("problem converting port '" + p + "' to an int" + CliMessages.BY_CLI + "\n");
            }
            if (port < 1 || port > 65535) {
                throw new CliException("port '" + p + "' is outside 1..65535" + CliMessages.BY_CLI + "\n");
            }
            portPart = port == was.port()
                    ? ", no need to change the port"
                    : ", port changed from '" + was.port() + "' to '" + port + "'";
        }
        // No address yet (init-addr none, its name not resolved): "(none)", as HAProxy logs it.
        InetAddress before = was.hasAddress() ? was.resolved().getAddress() : null;
        String ipPart = ip.get().equals(before)
                ? "no need to change the addr"
                : "IP changed from '" + was.ip() + "' to '" + NetUtil.toAddressString(ip.get()) + "'";
        String reply = ipPart + portPart + CliMessages.BY_CLI + "\n";
        HostPort next = IpLiteral.hostPort(ip.get(), port);
        return control.apply(new ControlCommand.SetAddress(s, next, Origin.CLI)).thenApply(c -> {
            if (c.refused()) {
                throw new CliException(c.refusal().get() + "\n");
            }
            return reply;
        });
    }
}
