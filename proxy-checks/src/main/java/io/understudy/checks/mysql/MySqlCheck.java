package io.understudy.checks.mysql;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.understudy.checks.Check;
import io.understudy.checks.CheckResult;
import io.understudy.checks.tcp.CheckConnector;
import io.understudy.checks.tcp.CheckRun;
import io.understudy.core.backend.GreetingClock;
import io.understudy.core.config.CheckConfig.MySqlVariant;
import io.understudy.core.transport.Transport;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;

/**
 * The MySQL health check: HAProxy's {@code option mysql-check user <user>}, as a real, non-blocking client. It reads
 * the server greeting first (HAProxy sends its login blindly), logs in as {@code user} with {@code password}
 * (mysql_native_password, or caching_sha2_password with the fast path or RSA-encrypted full authentication, following
 * auth switches), and ends with {@code COM_QUIT} and a FIN. So a passing check is a complete, clean session on the
 * server and never counts toward {@code max_connect_errors} or {@code Aborted_connects}.
 *
 * <p>Results, as HAProxy reports them:
 *
 * <ul>
 *   <li>{@code L7OK}, code 0, info = the server version (MariaDB's "5.5.5-" prefix dropped): logged in;
 *   <li>{@code L7STS}, code = MySQL errno, info = the server's text, e.g. 1045 "#28000Access denied ..." or, instead
 *       of a greeting, 1129 "Host ... is blocked ..."; code 1251 when the account needs an auth plugin the check
 *       does not have;
 *   <li>{@code L7RSP}: a reply that is not MySQL, ends early, or arrives out of order;
 *   <li>{@code L7TOUT}: connected but no greeting within the server's greeting deadline ({@link GreetingClock}), or
 *       no login reply within the timeout;
 *   <li>{@code L4CON} with the OS message ("Connection refused"), {@code L4TOUT} when the connect does not finish in
 *       time, {@code SOCKERR} for other socket errors (e.g. "Connection reset by peer").
 * </ul>
 *
 * <p>The timeout covers the whole check, connect included. Each {@link #run()} uses one connection on one event loop
 * of {@code group} and blocks nothing.
 */
public final class MySqlCheck implements Check {
    private final EventLoopGroup group;
    private final CheckConnector connector;
    private final Login login;
    private final GreetingClock greetings;

    public MySqlCheck(
            EventLoopGroup group,
            Transport transport,
            InetSocketAddress target,
            String user,
            String password,
            MySqlVariant variant,
            Duration timeout) {
        this(
                group,
                new CheckConnector(transport, target, Optional.empty(), timeout),
                new Login(user, password, variant),
                new GreetingClock(Optional.empty()));
    }

    private MySqlCheck(EventLoopGroup group, CheckConnector connector, Login login, GreetingClock greetings) {
        this.group = group;
        this.connector = connector;
        this.login = login;
        this.greetings = greetings;
    }

    /**
     * The same check sharing {@code clock} with the server's live connects: the greeting must arrive within the
     * server's greeting deadline (never more than the check's timeout), and every greeting is recorded there.
     */
    public MySqlCheck withGreetings(GreetingClock clock) {
        return new MySqlCheck(group, connector, login, clock);
    }

    /**
     * The same check connecting from {@code source} (HAProxy's {@code source}). MySQL keeps its per-host error counts
     * by client address, except for 127.0.0.1, so tests use another loopback address to see them.
     */
    public MySqlCheck withSource(InetAddress source) {
        return new MySqlCheck(group, connector.withSource(source), login, greetings);
    }

    /** The same check starting its connection with a PROXY protocol header, for a {@code send-proxy} server. */
    public MySqlCheck withSendProxy(io.understudy.core.config.SendProxy version) {
        return new MySqlCheck(group, connector.withSendProxy(version), login, greetings);
    }

    @Override
    public CompletionStage<CheckResult> run(Duration slack) {
        CheckConnector connector = this.connector.withSlack(slack);
        CheckRun run = new CheckRun(connector.timeout());
        try {
            EventLoop loop = group.next();
            loop.execute(() -> start(loop, run, connector));
            return run.stage();
        } catch (RejectedExecutionException | IllegalStateException e) {
            return CheckRun.failed(e);
        }
    }

    /** Event loop only: the handler and its channel live on {@code loop} from here on. */
    private void start(EventLoop loop, CheckRun run, CheckConnector connector) {
        MySqlCheckHandler handler =
                new MySqlCheckHandler(login, run, connector.target(), greetings, connector.timeout());
        ChannelFuture cf;
        try {
            cf = connector.connect(loop, new ChannelInitializer<Channel>() {
                @Override
                protected void initChannel(Channel ch) {
                    ch.pipeline().addLast(new MySqlPacketDecoder(), handler);
                }
            });
        } catch (RuntimeException e) {
            if (run.decide()) {
                run.complete(CheckResult.connectFailed(e, run.elapsedMillis()));
            }
            return;
        }
        handler.attach(cf.channel());
        run.armTimeout(loop, connector.timeout(), handler::timedOut);
        cf.addListener(f -> {
            if (!f.isSuccess()) {
                handler.connectFailed(f.cause());
            }
        });
    }
}
