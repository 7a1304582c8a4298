package io.understudy.core.session;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.EventLoop;
import io.understudy.core.counter.TrafficCounters;
import io.understudy.core.model.Server;
import io.understudy.core.model.Slot;
import java.net.SocketAddress;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * One client connection and, once connected, its server connection. Both channels live on the same event loop, which
 * owns every plain field here; the volatile ones are also read by the admin side to list sessions.
 */
public final class ProxySession {
    /** A draining session whose answer went quiet this long has come to rest. */
    static final long REST_MILLIS = 20;

    /** MySQL's CLIENT_SSL capability flag. */
    private static final int CLIENT_SSL = 0x800;

    /** Before a server's first login answer is seen, a login stalls after this long. */
    static final long LOGIN_LIMIT_MILLIS = 2_000;

    private final long id;
    private final String frontendName;
    private final String backendName;
    /** Writer-role backend: which requests may write is tracked, for a drain on a dead server. */
    private final boolean watchWrites;

    private final Channel client;
    private final long startMillis;
    private final long startNanos;
    private final SessionRegistry registry;
    private final TrafficCounters frontendCounters;
    private final TrafficCounters backendCounters;

    // Written on the event loop, read by the admin side.
    private volatile Slot slot;
    private volatile long bytesIn;
    private volatile long bytesOut;
    private volatile TerminationCause cause;

    // Written on the event loop; read by the admin side for buffered-bytes figures.
    private volatile Channel serverChannel;

    // Written on the event loop only; volatile because show sess reads them from the admin side.
    private volatile long connectMillis = -1;
    private volatile long queueMillis;
    private volatile boolean queued;
    private volatile int retries;
    private volatile boolean redispatched;
    /** The server last tried, connected or not: a failed connect's log line names it, as HAProxy's does. */
    private volatile Server assigned;

    // Event-loop only.
    private long queuedSinceNanos;
    private boolean finished;
    /** Who sent last: the client (a request in flight) or the server (answered, or greeted). */
    private boolean clientSentLast;

    private int serverReads;
    /** Set once traffic moved away from this session's server: the session ends at its next rest. */
    private TerminationCause drainCause;

    private boolean restCheckPending;
    /** The request in flight (the client's since the server last answered) may write; see {@link ClientRequest}. */
    private boolean writeInFlight;
    /** The session has sent a request that may write: a transaction may be open. */
    private boolean wrote;
    /** The client asked for TLS at login: its requests cannot be read, so each counts as a write. */
    private boolean tls;
    /** Told when the server leaves the client's login unanswered past its login deadline; null when not watched. */
    private LoginStall loginStall;

    private long loginSentNanos;

    /** Who hears about a login the server left unanswered. */
    @FunctionalInterface
    public interface LoginStall {
        void stalled(Server server, long waitedMillis);
    }

    ProxySession(
            long id,
            String frontendName,
            String backendName,
            Channel client,
            SessionRegistry registry,
            TrafficCounters frontendCounters,
            TrafficCounters backendCounters,
            boolean watchWrites) {
        this.id = id;
        this.watchWrites = watchWrites;
        this.frontendName = frontendName;
        this.backendName = backendName;
        this.client = client;
        this.registry = registry;
        this.frontendCounters = frontendCounters;
        this.backendCounters = backendCounters;
        this.startMillis = System.currentTimeMillis();
        this.startNanos = System.nanoTime();
    }

    public long id() {
        return id;
    }

    public String frontendName() {
        return frontendName;
    }

    public String backendName() {
        return backendName;
    }

    /** The client's address: the connection's, or that of the PROXY protocol header it started with. */
    public SocketAddress clientAddress() {
        return io.understudy.core.proxyprotocol.ClientAddresses.of(client).source();
    }

    public Channel clientChannel() {
        return client;
    }

    public EventLoop eventLoop() {
        return client.eventLoop();
    }

    /** The server this session is connected to, once connected. */
    public Optional<Server> server() {
        Slot s = slot;
        return s == null ? Optional.empty() : Optional.of(s.server());
    }

    public Optional<Channel> serverChannel() {
        return Optional.ofNullable(serverChannel);
    }

    /**
     * Whether this session's server connection goes to {@code address}; a session still connecting (no server channel
     * yet) connects to its server's current address, so it counts as going there.
     */
    public boolean connectedTo(java.net.InetSocketAddress address) {
        Channel c = serverChannel;
        // Only a socket's address can tell (an in-memory channel's says nothing about where it goes).
        return c == null || !(c.remoteAddress() instanceof java.net.InetSocketAddress at) || address.equals(at);
    }

    public long startMillis() {
        return startMillis;
    }

    public long ageMillis() {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }

    /** Bytes received from the client. */
    public long bytesIn() {
        return bytesIn;
    }

    /** Bytes sent to the client (received from the server). */
    public long bytesOut() {
        return bytesOut;
    }

    /**
     * Bytes read from one side and not yet written to the other (both directions), as Netty's outbound buffers count
     * them. Bounded by {@code RelayLimits.MAX_BUFFERED_PER_SESSION}; exposed so tests and {@code show sess} can see it.
     */
    public long bufferedBytes() {
        return pending(client) + pending(serverChannel);
    }

    private static long pending(Channel ch) {
        if (ch == null) {
            return 0;
        }
        io.netty.channel.ChannelOutboundBuffer out = ch.unsafe().outboundBuffer();
        return out == null ? 0 : out.totalPendingWriteBytes();
    }

    public long connectMillis() {
        return connectMillis;
    }

    public int retries() {
        return retries;
    }

    /** The cause, once the session has ended or is ending. */
    public Optional<TerminationCause> cause() {
        return Optional.ofNullable(cause);
    }

    /** HAProxy's {@code Tw}: how long the session waited in the backend's queue, in all. */
    public long queueMillis() {
        return queueMillis;
    }

    /** Whether the session is waiting in its backend's queue now. Event loop only. */
    public boolean queued() {
        return queued;
    }

    /** The session starts waiting in its backend's queue. Event loop only. */
    public void enqueued() {
        queued = true;
        queuedSinceNanos = System.nanoTime();
    }

    /** The session leaves the queue, with a slot or not; its wait adds to {@link #queueMillis}. Event loop only. */
    public void dequeued() {
        if (queued) {
            queued = false;
            queueMillis += (System.nanoTime() - queuedSinceNanos) / 1_000_000;
        }
    }

    /** The server the session was last sent to, whether or not the connection was made. */
    public Optional<Server> assignedServer() {
        Slot s = slot;
        return s != null ? Optional.of(s.server()) : Optional.ofNullable(assigned);
    }

    /** Called by the connector before each connect attempt. Event loop only. */
    public void assigned(Server server) {
        assigned = server;
    }

    /** Whether a retry went to another server than the one that failed (HAProxy's {@code +} before {@code %rc}). */
    public boolean wasRedispatched() {
        return redispatched;
    }

    /** Called by the connector when a retry goes to another server. Event loop only. */
    public void redispatched() {
        redispatched = true;
    }

    TrafficCounters frontendCounters() {
        return frontendCounters;
    }

    TrafficCounters backendCounters() {
        return backendCounters;
    }

    /** Called by the connector for every retry. Event loop only. */
    public void retried() {
        retries++;
    }

    /**
     * The server connection is up: the session now holds {@code taken} (released when it ends) and is counted on the
     * server. Event loop only.
     */
    public void connected(Slot taken, Channel channel) {
        Server chosen = taken.server();
        this.slot = taken;
        this.serverChannel = channel;
        this.connectMillis = ageMillis();
        chosen.counters().sessionEstablished(); // its stot was counted at the connect attempt
        chosen.counters().connected(connectMillis, queueMillis);
        backendCounters.connected(connectMillis, queueMillis);
    }

    /**
     * At rest: the server answered last and the handshake is over (the server has spoken at least twice: greeting,
     * then the login's answer), so closing now loses no request in flight. Event loop only.
     */
    public boolean atRest() {
        return slot != null && !clientSentLast && serverReads >= 2;
    }

    /**
     * Traffic moved away from this session's server: end the session at its next rest, and at {@code deadlineNanos}
     * at the latest when {@code closeAtDeadline}. At rest means the server answered last, the login is done, and
     * nothing moved either way for {@value #REST_MILLIS} ms: a request in flight finishes, and so does a client that
     * is busy (a login followed by its first statements, a short transaction), so its writes land before the new
     * server takes any; an idle pooled connection ends at once. With {@code serverDown} (the server was marked down),
     * only a session with a write in flight waits; the others are closed at once. Safe from any thread.
     */
    public void drain(TerminationCause why, long deadlineNanos, boolean closeAtDeadline, boolean serverDown) {
        if (!eventLoop().inEventLoop()) {
            eventLoop().execute(() -> drain(why, deadlineNanos, closeAtDeadline, serverDown));
            return;
        }
        if (finished || drainCause != null) {
            return;
        }
        if (serverDown && slot != null && (serverReads < 2 || !clientSentLast || !writeInFlight)) {
            // On a server marked down only a write in flight is worth waiting for (if the server was merely stalled it
            // lands there before the first write on the new one). A session in its login, at rest, or waiting for a
            // read cannot write anything, and a frozen server would hold the move for nothing.
            terminate(why, false);
            return;
        }
        drainCause = why;
        restCheck();
        if (closeAtDeadline) {
            long left = Math.max(0, deadlineNanos - System.nanoTime());
            eventLoop().schedule(() -> terminate(why, false), left, TimeUnit.NANOSECONDS);
        }
    }

    /**
     * Ends a draining session once nothing has moved for {@value #REST_MILLIS} ms and it is at rest then; one timer at
     * a time, re-armed while bytes keep moving.
     */
    private void restCheck() {
        if (restCheckPending) {
            return;
        }
        restCheckPending = true;
        long in = bytesIn;
        long out = bytesOut;
        eventLoop()
                .schedule(
                        () -> {
                            restCheckPending = false;
                            if (finished) {
                                return;
                            }
                            if (bytesIn != in || bytesOut != out) {
                                restCheck();
                            } else if (atRest()) {
                                terminate(drainCause, true);
                            }
                        },
                        REST_MILLIS,
                        TimeUnit.MILLISECONDS);
    }

    /**
     * Watches the login that follows the greeting: if the server has not answered the client's first bytes within its
     * login deadline ({@link Server#logins()}), {@code stall} hears of it once; every answer is recorded there. Event
     * loop only, before the client's first bytes are counted.
     */
    public void watchLogin(LoginStall stall) {
        this.loginStall = stall;
    }

    /**
     * Counts a read from the client and, when it starts a request, notes whether that request may write. Event loop
     * only; the buffer is not changed.
     */
    public void addBytesIn(ByteBuf buf) {
        if (!watchWrites) {
            // A pool's sessions are never drained with a write in mind: nothing to classify on this path.
            addBytesIn(buf.readableBytes());
            return;
        }
        if (bytesIn == 0) {
            // The client's first bytes are its login (or SSLRequest): capability flags after the 4-byte header,
            // CLIENT_SSL is 0x800. Too short to tell: taken for TLS, so that nothing later is taken for a read.
            tls = buf.readableBytes() < 8 || (buf.getIntLE(buf.readerIndex() + 4) & CLIENT_SSL) != 0;
        } else if (serverReads >= 2 && !clientSentLast) {
            ClientRequest.Kind kind = tls ? ClientRequest.Kind.WRITE : ClientRequest.kind(buf);
            if (kind == ClientRequest.Kind.NO_REPLY) {
                // No answer will come: the session stays at rest.
                addBytesIn(buf.readableBytes());
                clientSentLast = false;
                return;
            }
            // SET autocommit=1 (drivers send it at every connect) commits only a transaction this session opened.
            writeInFlight = kind == ClientRequest.Kind.WRITE || (kind == ClientRequest.Kind.AUTOCOMMIT && wrote);
            wrote |= kind == ClientRequest.Kind.WRITE;
        } else if (serverReads >= 2) {
            // More from the client before the server answered: the rest of a long request, or another one behind
            // it. Either may write.
            writeInFlight = true;
            wrote = true;
        }
        addBytesIn(buf.readableBytes());
    }

    /** Counts bytes read from the client. Event loop only. */
    public void addBytesIn(int n) {
        if (loginStall != null && serverReads == 1 && bytesIn == 0 && slot != null) {
            startLoginWatch(slot.server());
        }
        clientSentLast = true;
        bytesIn += n;
        frontendCounters.addBytesIn(n);
        backendCounters.addBytesIn(n);
        Slot s = slot;
        if (s != null) {
            s.server().counters().addBytesIn(n);
        }
    }

    private void startLoginWatch(Server server) {
        loginSentNanos = System.nanoTime();
        long deadline = server.logins().deadlineMillis(LOGIN_LIMIT_MILLIS);
        eventLoop()
                .schedule(
                        () -> {
                            if (!finished && serverReads == 1 && loginStall != null) {
                                loginStall.stalled(server, deadline);
                            }
                        },
                        deadline,
                        TimeUnit.MILLISECONDS);
    }

    /** Counts bytes read from the server. Event loop only. */
    public void addBytesOut(int n) {
        if (serverReads == 1 && loginSentNanos != 0 && slot != null) {
            slot.server().logins().record(System.nanoTime() - loginSentNanos);
        }
        clientSentLast = false;
        serverReads++;
        bytesOut += n;
        if (drainCause != null) {
            // An answer came in: once nothing more moves for a moment, the session has come to rest and ends.
            restCheck();
        }
        frontendCounters.addBytesOut(n);
        backendCounters.addBytesOut(n);
        Slot s = slot;
        if (s != null) {
            s.server().counters().addBytesOut(n);
        }
    }

    /**
     * Ends the session for {@code why}: the first cause wins. With {@code flushFirst}, data already read from one side
     * is delivered before closing (a normal close); without, both sides are closed at once (a kill). Safe from any
     * thread.
     */
    public void terminate(TerminationCause why, boolean flushFirst) {
        if (!eventLoop().inEventLoop()) {
            eventLoop().execute(() -> terminate(why, flushFirst));
            return;
        }
        if (cause == null) {
            cause = why;
        }
        closeChannel(serverChannel, flushFirst);
        closeChannel(client, flushFirst);
    }

    private static void closeChannel(Channel ch, boolean flushFirst) {
        if (ch == null) {
            return;
        }
        if (flushFirst && ch.isActive()) {
            ch.writeAndFlush(io.netty.buffer.Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
        } else {
            ch.close();
        }
    }

    /** HAProxy's abort and internal-error counters of the objects the session ran through. */
    private void countEnd(TerminationCause why, Slot s) {
        TrafficCounters server = s != null ? s.server().counters() : null;
        if (why.clientAbort()) {
            backendCounters.clientAborted();
            if (server != null) {
                server.clientAborted();
            }
        } else if (why.serverAbort()) {
            boolean error = why == TerminationCause.SERVER_ERROR;
            backendCounters.serverAborted(error);
            if (server != null) {
                server.serverAborted(error);
            }
        } else if (why == TerminationCause.INTERNAL_ERROR) {
            frontendCounters.internalError();
            backendCounters.internalError();
            if (server != null) {
                server.internalError();
            }
        }
    }

    /** Called once, on the event loop, when the client channel has closed. */
    void finish() {
        if (finished) {
            return;
        }
        finished = true;
        if (cause == null) {
            // Closed by the client itself. Before a server connection was made that is an aborted connect (HAProxy's
            // CC): whoever completes the connect later finds the session already ended here, too late to say so.
            cause = slot != null
                    ? TerminationCause.CLIENT_CLOSED
                    : queued ? TerminationCause.CLIENT_ABORTED_QUEUE : TerminationCause.CLIENT_ABORTED_CONNECT;
        }
        if (queued) {
            dequeued();
        }
        if (serverChannel != null) {
            serverChannel.close();
        }
        long total = ageMillis();
        Slot s = slot;
        countEnd(cause, s);
        if (s != null) {
            // Counted off the server before its slot goes to a waiting session, so scur never overshoots maxconn.
            s.server().counters().sessionClosed(total);
            s.release();
        }
        backendCounters.sessionClosed(total);
        frontendCounters.sessionClosed(total);
        registry.finished(this, total);
    }
}
