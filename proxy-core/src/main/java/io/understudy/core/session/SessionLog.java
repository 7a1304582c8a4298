package io.understudy.core.session;

import io.netty.util.NetUtil;
import io.understudy.core.config.LogFormat;
import io.understudy.core.model.Server;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.function.Consumer;
import java.util.function.ToIntFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes down one {@link SessionEnd} per finished session, with HAProxy's tcplog counters as they stand at that moment,
 * and hands it to a sink that writes the line to the {@code understudy.session} logger (normally a
 * {@link SessionLogWriter}, so that no event loop waits on an appender).
 */
public final class SessionLog {
    static final Logger LOG = LoggerFactory.getLogger("understudy.session");

    private final ToIntFunction<String> backendQueue;
    private final Consumer<SessionEnd> sink;

    /** Writes exact tcplog lines on the calling thread: for tests that drive sessions without an engine. */
    public SessionLog() {
        this(backend -> 0, e -> LOG.info("{}", TcpLogLine.format(e, LogFormat.TCPLOG)));
    }

    /**
     * @param backendQueue how many sessions wait in a backend's queue now, by backend name ({@code %bq})
     * @param sink where each ended session goes
     */
    public SessionLog(ToIntFunction<String> backendQueue, Consumer<SessionEnd> sink) {
        this.backendQueue = backendQueue;
        this.sink = sink;
    }

    /**
     * Called on the session's event loop once its counters have been released.
     *
     * @param actconn sessions open in the process, this one included (HAProxy logs before freeing the session)
     */
    void sessionEnded(ProxySession s, long totalMillis, TerminationCause cause, long actconn) {
        if (!LOG.isInfoEnabled()) {
            return;
        }
        java.util.Optional<Server> server = s.assignedServer();
        long queue = s.queueMillis();
        long connect = s.connectMillis();
        sink.accept(new SessionEnd(
                address(s.clientAddress()),
                s.startMillis(),
                s.frontendName(),
                s.backendName(),
                server.map(Server::name).orElse("<NOSRV>"),
                // A session that found no server never reached the queue: HAProxy's -1.
                cause == TerminationCause.NO_SERVER ? -1 : queue,
                // HAProxy's Tc starts when the queue is left.
                connect < 0 ? -1 : Math.max(0, connect - queue),
                totalMillis,
                s.bytesOut(),
                cause.haproxyCode(),
                actconn,
                // The frontend still counts the session when HAProxy logs it; the backend and server no longer do.
                s.frontendCounters().currentSessions() + 1,
                s.backendCounters().currentSessions(),
                server.map(v -> v.counters().currentSessions()).orElse(0L),
                s.retries(),
                s.wasRedispatched(),
                // Sessions wait in their backend's queue only: a server has no queue of its own here.
                0,
                backendQueue.applyAsInt(s.backendName()),
                s.bytesIn(),
                cause.label()));
    }

    /** {@code %ci:%cp}: IPv6 in its short form ({@code ::1:5000}) without brackets, as HAProxy prints it. */
    static String address(SocketAddress a) {
        if (a instanceof InetSocketAddress in) {
            String host = in.getAddress() != null ? NetUtil.toAddressString(in.getAddress()) : in.getHostString();
            return host + ":" + in.getPort();
        }
        return String.valueOf(a);
    }
}
