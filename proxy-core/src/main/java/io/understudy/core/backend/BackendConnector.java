package io.understudy.core.backend;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import io.netty.util.concurrent.ScheduledFuture;
import io.understudy.core.config.BackendConfig;
import io.understudy.core.config.SendProxy;
import io.understudy.core.model.Backend;
import io.understudy.core.model.BackendSnapshot;
import io.understudy.core.model.Commit;
import io.understudy.core.model.ControlCommand;
import io.understudy.core.model.ControlPlane;
import io.understudy.core.model.PendingQueue;
import io.understudy.core.model.Server;
import io.understudy.core.model.Slot;
import io.understudy.core.proxyprotocol.ClientAddresses;
import io.understudy.core.proxyprotocol.ProxyHeaders;
import io.understudy.core.relay.RelayLimits;
import io.understudy.core.session.ProxySession;
import io.understudy.core.session.TerminationCause;
import io.understudy.core.transport.Transport;
import java.net.InetSocketAddress;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * Connects a session to a server of its backend, on the session's own event loop, with HAProxy's {@code retries} and
 * {@code option redispatch}: a failed connect is retried (after {@code retry-delay} unless it timed out), and the retries
 * chosen by {@code redispatch} go to the next usable server, active first, then backup. Every failure is submitted to
 * the control plane as a passive health signal (a command: the connector never changes the model itself).
 */
public final class BackendConnector implements ServerConnector {
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
                // TCP_NODELAY is Netty's default for every socket channel; setting it again cost a syscall.
                .option(ChannelOption.SO_KEEPALIVE, true)
                .option(ChannelOption.AUTO_READ, false)
                .option(ChannelOption.ALLOW_HALF_CLOSURE, true)
                .option(ChannelOption.WRITE_BUFFER_WATER_MARK, RelayLimits.waterMark())
                .option(ChannelOption.RCVBUF_ALLOCATOR, RelayLimits.recvAllocator())
                .handler(NoopHandler.INSTANCE);
    }

    /**
     * Connects {@code session}; the future completes on the session's event loop with a connected, not-reading channel
     * and the slot the session holds on its server (released here on every failure).
     */
    @Override
    public Future<Connected> connect(ProxySession session) {
        Promise<Connected> promise = session.eventLoop().newPromise();
        new Attempt(session, promise).next(Optional.empty());
        return promise;
    }

    @Override
    public void loginStalled(ProxySession session, Server server, long waitedMillis) {
        ConnectFailure stall = new ConnectFailure(
                ConnectFailure.Kind.NO_GREETING,
                "no answer to the login within " + waitedMillis + "ms ("
                        + server.logins().describe() + ")");
        control.apply(new ControlCommand.PassiveFailure(
                server,
                stall,
                session.serverChannel()
                        .map(c -> c.remoteAddress())
                        .filter(a -> a instanceof InetSocketAddress)
                        .map(a -> (InetSocketAddress) a)));
    }

    /** The state of one session's connection attempts; event loop only. */
    private final class Attempt {
        private final ProxySession session;
        private final Promise<Connected> promise;
        private final Set<Server> failed = new HashSet<>();
        private int retry;
        private int rechosen;

        Attempt(ProxySession session, Promise<Connected> promise) {
            this.session = session;
            this.promise = promise;
        }

        /**
         * Connects to {@code sameServer} (a retry on it, with its slot still held), or to a newly chosen server: at
         * once when one has a free slot and nobody is queued before this session, else after waiting in the backend's
         * queue for a slot.
         */
        void next(Optional<Slot> sameServer) {
            if (!session.clientChannel().isActive()) {
                sameServer.ifPresent(Slot::release);
                promise.tryFailure(new ConnectFailedException(
                        TerminationCause.CLIENT_ABORTED_CONNECT, "client left while connecting"));
                return;
            }
            if (sameServer.isPresent()) {
                connect(sameServer.get());
                return;
            }
            BackendSnapshot snapshot = backend.snapshot();
            PendingQueue queue = backend.queue();
            // Nobody waiting: take a slot directly (the queue would hand it over one event-loop task later).
            Optional<Slot> slot = queue.size() == 0 ? snapshot.select(failed) : Optional.empty();
            if (slot.isPresent()) {
                connect(slot.get());
            } else if (snapshot.candidates(failed).isEmpty()) {
                // A connection error not associated with a server, as HAProxy counts it.
                countGaveUp(null);
                promise.tryFailure(noServer());
            } else {
                enqueue(queue);
            }
        }

        /** Waits in the backend's queue for a slot, up to {@code timeout queue} and while the client stays. */
        private void enqueue(PendingQueue queue) {
            session.enqueued();
            EventLoop loop = session.eventLoop();
            ChannelFutureListener[] onClose = new ChannelFutureListener[1];
            ScheduledFuture<?>[] timer = new ScheduledFuture<?>[1];
            PendingQueue.Pending pending = queue.acquire(failed, loop, slot -> {
                session.dequeued();
                session.clientChannel().closeFuture().removeListener(onClose[0]);
                if (timer[0] != null) {
                    timer[0].cancel(false);
                }
                next(Optional.of(slot));
            });
            long timeout = backend.config().queueTimeout().toMillis();
            if (timeout > 0 && pending.waiting()) {
                timer[0] = loop.schedule(
                        () -> {
                            if (pending.cancel()) {
                                session.dequeued();
                                // A session that gave up waiting to connect: HAProxy counts it in econ too. Counted
                                // before the failure is reported (its listeners answer the client at once), and only
                                // for a session not already ended: the promise's listeners run on this loop.
                                countGaveUp(null);
                                promise.tryFailure(new ConnectFailedException(
                                        TerminationCause.QUEUE_TIMEOUT,
                                        "no server of backend '" + backend.name() + "' had a free slot within "
                                                + timeout + "ms (timeout queue)"));
                            }
                        },
                        timeout,
                        TimeUnit.MILLISECONDS);
            }
            onClose[0] = f -> {
                if (pending.cancel()) {
                    if (timer[0] != null) {
                        timer[0].cancel(false);
                    }
                    session.dequeued();
                    promise.tryFailure(new ConnectFailedException(
                            TerminationCause.CLIENT_ABORTED_QUEUE, "client left while queued"));
                }
            };
            session.clientChannel().closeFuture().addListener(onClose[0]);
            // Watch the client while it waits (its channel is not read otherwise): a FIN or a reset ends the wait.
            session.clientChannel().read();
        }

        private void connect(Slot slot) {
            Server server = slot.server();
            long started = System.nanoTime();
            session.assigned(server);
            server.counters().connectAttempt();
            server.counters().sessionAssigned(System.currentTimeMillis());
            InetSocketAddress at = server.address();
            // timeout connect as it is now: a reload may have changed it.
            ChannelFuture cf = template.clone(session.eventLoop())
                    .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(
                            Integer.MAX_VALUE, backend.config().connectTimeout().toMillis()))
                    .connect(at);
            cf.addListener(f -> {
                if (f.isSuccess()) {
                    sendProxyHeader(server, cf.channel());
                    awaitGreeting(slot, cf.channel(), started);
                } else {
                    failed(slot, f.cause(), Optional.of(at));
                }
            });
        }

        /**
         * HAProxy's {@code send-proxy}: the connection's first bytes tell the server who the client is, before its
         * greeting is awaited (MariaDB reads the header with the client's first packet). A failed write closes the
         * channel, which the greeting wait reports as a failed connect.
         */
        private void sendProxyHeader(Server server, Channel channel) {
            SendProxy version = server.config().sendProxy();
            if (version != SendProxy.NONE) {
                ProxyHeaders.write(
                        channel, ProxyHeaders.forSession(version, ClientAddresses.of(session.clientChannel())));
            }
        }

        /**
         * Retries a writer-role backend's session: never on its own elsewhere. Once the control plane has taken in the
         * failure (the writer may now be in doubt), the session asks the backend again: the same writer if it is
         * still one beyond doubt (after {@code retry-delay} unless it timed out), else the queue until the checks
         * decide, and then whichever server the model makes the writer.
         */
        private void retryWriter(Slot slot, ConnectFailure failure, CompletableFuture<Commit> verdict) {
            slot.release();
            long delay = failure.timedOut() ? 0 : backend.config().retryDelay().toMillis();
            verdict.whenComplete((commit, error) -> {
                try {
                    session.eventLoop().schedule(() -> next(Optional.empty()), delay, TimeUnit.MILLISECONDS);
                } catch (RejectedExecutionException e) {
                    promise.tryFailure(
                            new ConnectFailedException(TerminationCause.PROXY_STOPPING, "proxy is stopping"));
                }
            });
        }

        /**
         * {@code econ}: this session gives up connecting, on {@code server} (the one tried last, if any) and the
         * backend; once, and not for a session already ended. Event loop only, before the failure is reported.
         */
        private void countGaveUp(Server server) {
            if (promise.isDone()) {
                return;
            }
            if (server != null) {
                server.counters().connectError();
            }
            backend.counters().connectError();
        }

        private ConnectFailedException noServer() {
            if (failed.isEmpty()) {
                return new ConnectFailedException(
                        TerminationCause.NO_SERVER, "backend '" + backend.name() + "' has no server available");
            }
            return new ConnectFailedException(
                    TerminationCause.CONNECT_FAILED, "no server of backend '" + backend.name() + "' could be reached");
        }

        /**
         * TCP is up; the connection counts once the server's greeting arrives, within the server's greeting deadline
         * and what is left of the connect timeout.
         */
        private void awaitGreeting(Slot slot, Channel channel, long startedNanos) {
            long timeout = backend.config().connectTimeout().toMillis();
            long left = Math.max(MIN_GREETING_WAIT_MILLIS, timeout - (System.nanoTime() - startedNanos) / 1_000_000);
            GreetingClock clock = slot.server().greetings();
            long deadline = clock.deadlineMillis(left);
            Promise<ByteBuf> greeting = channel.eventLoop().newPromise();
            channel.pipeline().addLast("greeting", new GreetingWait(greeting, deadline, left - deadline, clock));
            greeting.addListener(g -> {
                if (!g.isSuccess()) {
                    if (!(g.cause() instanceof GreetingWait.GreetingTimeoutException)) {
                        channel.close();
                    }
                    // After a missed deadline the wait keeps the channel until timeout connect, to learn how late
                    // the greeting is, then closes it; the slot goes back now.
                    failed(
                            slot,
                            g.cause(),
                            channel.remoteAddress() instanceof InetSocketAddress a ? Optional.of(a) : Optional.empty());
                    return;
                }
                ByteBuf first = (ByteBuf) g.getNow();
                BackendSnapshot now = backend.snapshot();
                // A writer's session always follows the model (within the retry budget); a pool's re-chooses once.
                int mayRechoose = now.writer() ? backend.config().retries() + 1 : 1;
                if (rechosen < mayRechoose
                        && now.generation() != slot.generation()
                        && !now.routes(slot.server(), failed)) {
                    // The server was marked down, or traffic moved, while this session was connecting: a failover
                    // sweep could not see it yet. The client has not seen the greeting, so start it on the server
                    // that takes new sessions now instead (once; a second change during that connect is left to
                    // the sweep).
                    rechosen++;
                    first.release();
                    channel.close();
                    slot.release();
                    next(Optional.empty());
                    return;
                }
                if (now.writer()
                        && channel.remoteAddress() instanceof InetSocketAddress at
                        && !at.equals(slot.server().address())) {
                    // The server's address moved (set server addr, DNS) while this session was connecting to the old
                    // one: another MySQL server now takes this server's writes. The client has not seen the greeting;
                    // it starts again at the new address, so that no write lands on the old one.
                    first.release();
                    channel.close();
                    slot.release();
                    if (rechosen++ < mayRechoose) {
                        next(Optional.empty());
                    } else {
                        promise.tryFailure(
                                new IllegalStateException(slot.server().id()
                                        + " moved to another address again and again while this session connected"));
                    }
                    return;
                }
                if (!promise.trySuccess(new Connected(slot, channel, first))) {
                    first.release();
                    channel.close();
                    slot.release();
                }
            });
        }

        private void failed(Slot slot, Throwable cause) {
            failed(slot, cause, Optional.empty());
        }

        private void failed(Slot slot, Throwable cause, Optional<InetSocketAddress> at) {
            Server server = slot.server();
            ConnectFailure failure = ConnectFailure.of(cause);
            if (failure.local()) {
                // Nothing reached the server (no descriptor left here, the loop stopping): not the server's failure,
                // and another attempt would meet the same shortage. The client gets the reason now.
                slot.release();
                promise.tryFailure(new ConnectFailedException(
                        TerminationCause.LOCAL_RESOURCE,
                        "cannot connect to " + server.id() + ": " + failure.message() + " (a resource of this proxy)"));
                return;
            }
            // A passive health signal: the control plane decides what it means.
            CompletableFuture<Commit> verdict = control.apply(new ControlCommand.PassiveFailure(server, failure, at));
            BackendConfig cfg = backend.config();
            if (retry >= cfg.retries()) {
                slot.release();
                failed.add(server);
                // Out of retries: one last look for a server that has not failed yet would break HAProxy's retry
                // budget, so give up here with the reason.
                countGaveUp(server);
                promise.tryFailure(new ConnectFailedException(
                        TerminationCause.CONNECT_FAILED,
                        "cannot connect to " + server.id() + " after " + (retry + 1) + " attempts: "
                                + failure.message()));
                return;
            }
            retry++;
            session.retried();
            server.counters().retry();
            backend.counters().retry();
            if (backend.snapshot().writer()) {
                retryWriter(slot, failure, verdict);
                return;
            }
            // A server that did not answer within timeout connect is not tried again for this client: with redispatch
            // on, the retry goes elsewhere at once rather than costing the client another full timeout.
            boolean moveOn = cfg.redispatchesOnRetry(retry)
                    || !server.state().usable()
                    || (failure.timedOut() && cfg.redispatch() != 0);
            Optional<Slot> same = Optional.of(slot);
            if (moveOn) {
                failed.add(server);
                if (!backend.snapshot().candidates(failed).isEmpty()) {
                    slot.release();
                    same = Optional.empty();
                    server.counters().redispatch();
                    backend.counters().redispatch();
                    session.redispatched();
                } else {
                    failed.remove(server);
                }
            }
            Optional<Slot> target = same;
            long delay = failure.timedOut() ? 0 : cfg.retryDelay().toMillis();
            if (delay == 0) {
                next(target);
                return;
            }
            try {
                session.eventLoop().schedule(() -> next(target), delay, TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException e) {
                // The event loop is shutting down: give the slot back and end the attempt.
                target.ifPresent(Slot::release);
                promise.tryFailure(new ConnectFailedException(TerminationCause.PROXY_STOPPING, "proxy is stopping"));
            }
        }
    }

    /** The server channel's first handler until the relay is installed; holds no state, so one serves all. */
    @ChannelHandler.Sharable
    private static final class NoopHandler extends ChannelInboundHandlerAdapter {
        static final NoopHandler INSTANCE = new NoopHandler();
    }
}
