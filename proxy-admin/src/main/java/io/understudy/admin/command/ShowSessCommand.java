package io.understudy.admin.command;

import io.understudy.admin.AdminContext;
import io.understudy.core.config.AdminSocketConfig.Level;
import io.understudy.core.model.Server;
import io.understudy.core.session.ProxySession;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * {@code show sess}: one line per client session, oldest first, shaped like HAProxy's (reference §6.3):
 *
 * <pre>
 * 0x1a: proto=tcpv4 src=127.0.0.1:36864 fe=MySQL be=MySQL srv=Primary ts=00 age=4s bin=120 bout=2048 buf=0
 * </pre>
 *
 * The leading token is the session id in hexadecimal, which {@code shutdown session} takes. HAProxy's fields up to
 * {@code age} keep their meaning ({@code srv=<none>} until a server is connected); HAProxy's internal fields (calls,
 * cpu, buffer flags) have no equivalent and are replaced by the session's byte counts and the bytes buffered in the
 * proxy. The admin connections themselves are not listed. Operator level and above.
 */
final class ShowSessCommand implements Command {
    private final AdminContext context;

    ShowSessCommand(AdminContext context) {
        this.context = context;
    }

    @Override
    public List<String> keywords() {
        return List.of("show", "sess");
    }

    @Override
    public Level level() {
        return Level.OPERATOR;
    }

    @Override
    public String usage() {
        return Command.usageLine("show sess", "report the list of current sessions");
    }

    @Override
    public CompletableFuture<String> run(List<String> args, CliSession session) {
        StringBuilder out = new StringBuilder();
        context.engine().sessions().sessions().stream()
                .sorted(Comparator.comparingLong(ProxySession::id))
                .forEach(s -> line(out, s));
        return Command.reply(out.toString());
    }

    static void line(StringBuilder out, ProxySession s) {
        SocketAddress client = s.clientAddress();
        String proto = "?";
        String src = "?";
        if (client instanceof InetSocketAddress inet && inet.getAddress() != null) {
            proto = inet.getAddress() instanceof Inet6Address ? "tcpv6" : "tcpv4";
            src = inet.getAddress().getHostAddress() + ":" + inet.getPort();
        }
        out.append("0x")
                .append(Long.toHexString(s.id()))
                .append(": proto=")
                .append(proto)
                .append(" src=")
                .append(src)
                .append(" fe=")
                .append(s.frontendName())
                .append(" be=")
                .append(s.backendName())
                .append(" srv=")
                .append(s.server().map(Server::name).orElse("<none>"))
                .append(" ts=00 age=")
                .append(HumanTime.age(s.ageMillis() / 1000))
                .append(" bin=")
                .append(s.bytesIn())
                .append(" bout=")
                .append(s.bytesOut())
                .append(" buf=")
                .append(s.bufferedBytes())
                .append('\n');
    }
}
