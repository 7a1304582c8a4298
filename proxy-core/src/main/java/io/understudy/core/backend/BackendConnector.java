package io.understudy.core.backend;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.ConnectTimeoutException;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import io.understudy.core.config.BackendConfig;
import io.understudy.core.model.Backend;
import io.understudy.core.model.ControlPlane;
import io.understudy.core.model.Server;
import io.understudy.core.relay.RelayLimits;
import io.understudy.core.session.ProxySession;
import io.understudy.core.session.TerminationCause;
import io.understudy.core.transport.Transport;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Connects a session to a server of its backend, on the session's own event loop, with HAProxy's {@code retries} and
 * {@code option redispatch}: a failed connect is retried (after {@code retry-delay} unless it timed out), and the retries
 * chosen by {@code redispatch} go to the next usable server, active first, then backup. Every failure is reported to the
 * control plane as a passive health signal.
 */
public final class BackendConnector {
    private final Backend backend;
    private final ControlPlane control;
    private final Bootstrap template;

    /** However long the TCP connect took, a server gets at least this long to send its greeting. */
    static final long MIN_GREETING_WAIT_MILLIS = 100;

    public BackendConnector(Backend backend, ControlPlane control, Transport transport) {
        this.backend = backend;
        this.control = control;
        BackendConfig cfg = backend.config();
        this.template = new Bootstrap()
                .channel(transport.socketChannel())
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int)
                        Math.min(Integer.MAX_VALUE, cfg.connectTimeout().toMillis()))
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.SO_KEEPALIVE, true)
                .option(ChannelOption.AUTO_READ, false)
                .option(ChannelOption.ALLOW_HALF_CLOSURE, true)
                .option(ChannelOption.WRITE_BUFFER_WATER_MARK, RelayLimits.waterMark())
                .option(ChannelOption.RCVBUF_ALLOCATOR, RelayLimits.recvAllocator())
                .handler(NoopHandler.INSTANCE);
    }

    /** Connects {@code session}; the future completes on the session's event loop with a connected, not-reading channel. */
    public Future<Connected> connect(ProxySession session) {
        Promise<Connected> promise = session.eventLoop().newPromise();
        new Attempt(session, promise).next(Optional.empty());
        return promise;
    }

    /** The state of one session's connection attempts; event loop only. */
    private final class Attempt {
        private final ProxySession session;
        private final Promise<Connected> promise;
        private final Set<Server> failed = new HashSet<>();
        private int retry;

        Attempt(ProxySession session, Promise<Connected> promise) {
            this.session = session;
            this.promise = promise;
        }

        void next(Optional<Server> sameServer) {
            if (!session.clientChannel().isActive()) {
                promise.tryFailure(new ConnectFailedException(
                        TerminationCause.CLIENT_ABORTED_CONNECT, "client left while connecting"));
                return;
            }
            Optional<Server> target = sameServer.or(() -> backend.select(failed));
            if (target.isEmpty()) {
                TerminationCause why = failed.isEmpty() ? TerminationCause.NO_SERVER : TerminationCause.CONNECT_FAILED;
                promise.tryFailure(new ConnectFailedException(
                        why,
                        failed.isEmpty()
                                ? "backend '" + backend.name() + "' has no server available"
                                : "no server of backend '" + backend.name() + "' could be reached"));
                return;
            }
            Server server = target.get();
            EventLoop loop = session.eventLoop();
            long started = System.nanoTime();
            ChannelFuture cf = template.clone(loop).connect(server.address());
            cf.addListener(f -> {
                if (f.isSuccess()) {
                    awaitGreeting(server, cf.channel(), started);
                } else {
                    failed(server, f.cause());
                }
            });
        }

        /** TCP is up; the connection counts once the server's greeting arrives, within what is left of the timeout. */
        private void awaitGreeting(Server server, Channel channel, long startedNanos) {
            long timeout = backend.config().connectTimeout().toMillis();
            long left = Math.max(MIN_GREETING_WAIT_MILLIS, timeout - (System.nanoTime() - startedNanos) / 1_000_000);
            Promise<ByteBuf> greeting = channel.eventLoop().newPromise();
            channel.pipeline().addLast("greeting", new GreetingWait(greeting, left));
            greeting.addListener(g -> {
                if (g.isSuccess()) {
                    ByteBuf first = (ByteBuf) g.getNow();
                    if (!promise.trySuccess(new Connected(server, channel, first, java.util.Set.copyOf(failed)))) {
                        first.release();
                        channel.close();
                    }
                } else {
                    channel.close();
                    failed(server, g.cause());
                }
            });
        }

        private void failed(Server server, Throwable cause) {
            ConnectFailure failure = classify(cause);
            String reason = failure.message();
            server.counters().connectError();
            backend.counters().connectError();
            control.reportConnectFailure(server, failure);
            BackendConfig cfg = backend.config();
            if (retry >= cfg.retries()) {
                failed.add(server);
                // Out of retries: one last look for a server that has not failed yet would break HAProxy's retry
                // budget, so give up here with the reason.
                promise.tryFailure(new ConnectFailedException(
                        TerminationCause.CONNECT_FAILED,
                        "cannot connect to " + server.id() + " after " + (retry + 1) + " attempts: " + reason));
                return;
            }
            retry++;
            session.retried();
            server.counters().retry();
            backend.counters().retry();
            // A server that did not answer within timeout connect is not tried again for this client: with redispatch
            // on, the retry goes elsewhere at once rather than costing the client another full timeout.
            boolean moveOn = cfg.redispatchesOnRetry(retry)
                    || !server.state().usable()
                    || (failure.timedOut() && cfg.redispatch() != 0);
            Optional<Server> same = Optional.of(server);
            if (moveOn) {
                failed.add(server);
                if (!backend.snapshot().candidates(failed, cfg.allBackups()).isEmpty()) {
                    same = Optional.empty();
                    server.counters().redispatch();
                    backend.counters().redispatch();
                } else {
                    failed.remove(server);
                }
            }
            Optional<Server> target = same;
            long delay = failure.timedOut() ? 0 : cfg.retryDelay().toMillis();
            if (delay == 0) {
                next(target);
            } else {
                session.eventLoop().schedule(() -> next(target), delay, TimeUnit.MILLISECONDS);
            }
        }
    }

    /** The server channel's first handler until the relay is installed; holds no state, so one serves all. */
    @ChannelHandler.Sharable
    private static final class NoopHandler extends ChannelInboundHandlerAdapter {
        static final NoopHandler INSTANCE = new NoopHandler();
    }

    static ConnectFailure classify(Throwable cause) {
        if (cause instanceof ConnectTimeoutException) {
            return new ConnectFailure(ConnectFailure.Kind.TIMEOUT, "connect timeout");
        }
        String m = cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
        if (cause instanceof GreetingWait.GreetingTimeoutException) {
            return new ConnectFailure(ConnectFailure.Kind.NO_GREETING, m);
        }
        if (cause instanceof java.net.ConnectException) {
            // Netty's native message ("finishConnect(..) failed with error(-111): Connection refused: /1.2.3.4:3306")
            // says more than an operator needs; HAProxy's last_chk says "Connection refused".
            return new ConnectFailure(
                    ConnectFailure.Kind.REFUSED, m.contains("Connection refused") ? "Connection refused" : m);
        }
        return new ConnectFailure(ConnectFailure.Kind.ERROR, m);
    }
}
