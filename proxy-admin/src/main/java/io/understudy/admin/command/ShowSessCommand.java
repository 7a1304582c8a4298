package io.understudy.admin.command;

import io.understudy.admin.AdminContext;
import io.understudy.core.ProxyEngine;
import io.understudy.core.config.AdminSocketConfig.Level;
import io.understudy.core.model.Server;
import io.understudy.core.session.ProxySession;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * {@code show sess [<id>|all]}, shaped like HAProxy's (reference §6.3). Without an argument, one line per session,
 * oldest first, then the admin connection asking (HAProxy lists its own CLI stream too):
 *
 * <pre>
 * 0x1a: proto=tcpv4 src=127.0.0.1:36864 fe=MySQL be=MySQL srv=Primary ts=00 age=4s bin=120 bout=2048 buf=0
 * 0x10000000003: proto=unix_stream src=unix:1 fe=GLOBAL be=&lt;NONE&gt; srv=&lt;none&gt; ts=00 age=0s
 * </pre>
 *
 * The leading token is the session id in hexadecimal, which {@code shutdown session} takes. HAProxy's fields up to
 * {@code age} keep their meaning ({@code srv=<none>} until a server is connected); HAProxy's internal fields (calls,
 * cpu, buffer flags) have no equivalent and are replaced by the session's byte counts and the bytes buffered in the
 * proxy. With {@code all}, or one session's id, each session is a block: HAProxy's first line (start time, id, protocol,
 * source) and its frontend, backend and server lines, then Understudy's own figures in place of HAProxy's internals;
 * an id that names no session gets HAProxy's {@code Session not found.}. Operator level and above.
 */
final class ShowSessCommand implements Command {
    private static final DateTimeFormatter START = DateTimeFormatter.ofPattern(
                    "dd/MMM/yyyy:HH:mm:ss.SSS'000'", Locale.ROOT)
            .withZone(ZoneId.systemDefault());

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
        return Command.usageLine("show sess [id]", "report the list of current sessions or dump this exact session");
    }

    @Override
    public CompletableFuture<String> run(List<String> args, CliSession session) {
        List<ProxySession> sessions = context.engine().sessions().sessions().stream()
                .sorted(Comparator.comparingLong(ProxySession::id))
                .toList();
        StringBuilder out = new StringBuilder();
        if (args.size() <= 2) {
            sessions.forEach(s -> line(out, s));
            cliLine(out, session);
            return Command.reply(out.toString());
        }
        if (args.get(2).equals("all")) {
            sessions.forEach(s -> block(out, s));
            cliBlock(out, session);
            return Command.reply(out.toString());
        }
        long id = SessionPointer.parse(args.get(2));
        if (id == session.id()) {
            cliBlock(out, session);
            return Command.reply(out.toString());
        }
        Optional<ProxySession> one = sessions.stream().filter(s -> s.id() == id).findFirst();
        if (one.isEmpty()) {
            return Command.reply(CliMessages.SESSION_NOT_FOUND);
        }
        block(out, one.get());
        return Command.reply(out.toString());
    }

    static void line(StringBuilder out, ProxySession s) {
        out.append("0x")
                .append(Long.toHexString(s.id()))
                .append(": proto=")
                .append(proto(s.clientAddress()))
                .append(" src=")
                .append(source(s.clientAddress()))
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

    private static void cliLine(StringBuilder out, CliSession cli) {
        out.append("0x")
                .append(Long.toHexString(cli.id()))
                .append(": proto=unix_stream src=unix:1 fe=GLOBAL be=<NONE> srv=<none> ts=00 age=")
                .append(HumanTime.age(Math.max(0, System.currentTimeMillis() - cli.startMillis()) / 1000))
                .append('\n');
    }

    private void block(StringBuilder out, ProxySession s) {
        ProxyEngine engine = context.engine();
        // A listen section's frontend and backend share its id, which show stat and show servers state print too.
        int proxyId = ServerLookup.backend(engine.control(), s.backendName())
                .map(b -> ServerLookup.backendId(engine, b))
                .orElse(-1);
        String bound = engine.boundAddress(s.frontendName())
                .map(a -> a.getAddress().getHostAddress() + ":" + a.getPort())
                .orElse("?");
        out.append("0x")
                .append(Long.toHexString(s.id()))
                .append(": [")
                .append(START.format(Instant.ofEpochMilli(s.startMillis())))
                .append("] id=")
                .append(s.id())
                .append(" proto=")
                .append(proto(s.clientAddress()))
                .append(" source=")
                .append(source(s.clientAddress()))
                .append('\n');
        out.append("  frontend=")
                .append(s.frontendName())
                .append(" (id=")
                .append(proxyId)
                .append(" mode=tcp), listener=? (id=1) addr=")
                .append(bound)
                .append('\n');
        out.append("  backend=")
                .append(s.backendName())
                .append(" (id=")
                .append(proxyId)
                .append(" mode=tcp)\n");
        Optional<Server> srv = s.server();
        out.append("  server=")
                .append(srv.map(Server::name).orElse("<NONE>"))
                .append(" (id=")
                .append(srv.map(x -> x.config().id()).orElse(-1))
                .append(')');
        srv.ifPresent(x -> out.append(" addr=").append(x.state().settings().address()));
        out.append('\n');
        out.append("  age=")
                .append(HumanTime.age(s.ageMillis() / 1000))
                .append(" conn_retries=")
                .append(s.retries())
                .append(" queued=")
                .append(s.queued() ? 1 : 0)
                .append(" qtime=")
                .append(s.queueMillis())
                .append("ms ctime=")
                .append(s.server().isPresent() ? s.connectMillis() + "ms" : "-")
                .append('\n');
        out.append("  bin=")
                .append(s.bytesIn())
                .append(" bout=")
                .append(s.bytesOut())
                .append(" buf=")
                .append(s.bufferedBytes())
                .append('\n');
    }

    private static void cliBlock(StringBuilder out, CliSession cli) {
        out.append("0x")
                .append(Long.toHexString(cli.id()))
                .append(": [")
                .append(START.format(Instant.ofEpochMilli(cli.startMillis())))
                .append("] id=")
                .append(cli.id())
                .append(" proto=unix_stream source=unix:1\n")
                .append("  frontend=GLOBAL (id=0 mode=tcp), listener=? (id=1) addr=unix:1\n")
                .append("  backend=<NONE> (id=-1 mode=-)\n")
                .append("  server=<NONE> (id=-1)\n")
                .append("  age=")
                .append(HumanTime.age(Math.max(0, System.currentTimeMillis() - cli.startMillis()) / 1000))
                .append('\n');
    }

    private static String proto(SocketAddress client) {
        if (client instanceof InetSocketAddress inet && inet.getAddress() != null) {
            return inet.getAddress() instanceof Inet6Address ? "tcpv6" : "tcpv4";
        }
        return "?";
    }

    private static String source(SocketAddress client) {
        if (client instanceof InetSocketAddress inet && inet.getAddress() != null) {
            return inet.getAddress().getHostAddress() + ":" + inet.getPort();
        }
        return "?";
    }
}
