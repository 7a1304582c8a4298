package io.understudy.checks.tcp;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.understudy.checks.Check;
import io.understudy.checks.CheckResult;
import io.understudy.checks.CheckStatus;
import io.understudy.core.transport.Transport;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A layer-4 check (HAProxy's plain {@code check}): connect, report {@code L4OK}, close with a FIN. A refused connection
 * is {@code L4CON} with the OS message, no connection within the timeout is {@code L4TOUT}.
 *
 * <p><b>Not for MySQL servers.</b> A MySQL or MariaDB server counts a connection that closes before logging in as an
 * aborted connection ({@code Aborted_connects}), and once {@code max_connect_errors} of them come in a row from one
 * host it blocks that host ({@code ERROR 1129 Host is blocked}) — the proxy's own traffic included, until someone runs
 * {@code FLUSH HOSTS}. That is why {@code mysql} is the default check type; use this one only for servers that do not
 * count aborted connections.
 */
public final class TcpCheck implements Check {
    private static final Logger log = LoggerFactory.getLogger(TcpCheck.class);

    private final EventLoopGroup group;
    private final CheckConnector connector;

    public TcpCheck(EventLoopGroup group, Transport transport, InetSocketAddress target, Duration timeout) {
        this(group, new CheckConnector(transport, target, Optional.empty(), timeout));
    }

    private TcpCheck(EventLoopGroup group, CheckConnector connector) {
        this.group = group;
        this.connector = connector;
    }

    /** The same check connecting from {@code source} (HAProxy's {@code source}), e.g. one loopback alias per server. */
    public TcpCheck withSource(InetAddress source) {
        return new TcpCheck(group, connector.withSource(source));
    }

    /** The same check starting its connection with a PROXY protocol header, for a {@code send-proxy} server. */
    public TcpCheck withSendProxy(io.understudy.core.config.SendProxy version) {
        return new TcpCheck(group, connector.withSendProxy(version));
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

    /** Event loop only. */
    private void start(EventLoop loop, CheckRun run, CheckConnector connector) {
        ChannelFuture cf;
        try {
            cf = connector.connect(loop, NoopHandler.INSTANCE);
        } catch (RuntimeException e) {
            if (run.decide()) {
                run.complete(CheckResult.connectFailed(e, run.elapsedMillis()));
            }
            return;
        }
        Channel ch = cf.channel();
        run.armTimeout(loop, connector.timeout(), () -> {
            // The connect timeout fires at the same moment; whichever runs first decides.
            finish(run, ch, CheckResult.of(CheckStatus.L4TOUT, "connect timeout", run.elapsedMillis()));
        });
        cf.addListener(f -> {
            if (f.isSuccess()) {
                finish(run, ch, CheckResult.of(CheckStatus.L4OK, "", run.elapsedMillis()));
            } else {
                Throwable cause = f.cause();
                finish(run, ch, CheckResult.connectFailed(cause, run.elapsedMillis()));
            }
        });
    }

    private void finish(CheckRun run, Channel ch, CheckResult result) {
        if (!run.decide()) {
            return;
        }
        log.debug("tcp check {}: {}", connector.target(), result.describe());
        run.closeThenComplete(ch, result);
    }

    /** The channel's only handler: a TCP check reads nothing, so nothing needs handling. Stateless and shared. */
    @ChannelHandler.Sharable
    private static final class NoopHandler extends ChannelInboundHandlerAdapter {
        static final NoopHandler INSTANCE = new NoopHandler();
    }
}
