package io.understudy.core;

import io.netty.channel.EventLoopGroup;
import io.understudy.core.backend.BackendConnector;
import io.understudy.core.config.DurationText;
import io.understudy.core.config.ListenConfig;
import io.understudy.core.config.ProxyConfig;
import io.understudy.core.frontend.BindFailedException;
import io.understudy.core.frontend.Frontend;
import io.understudy.core.frontend.FrontendControl;
import io.understudy.core.frontend.FrontendListener;
import io.understudy.core.frontend.SessionBudget;
import io.understudy.core.model.Backend;
import io.understudy.core.model.ControlPlane;
import io.understudy.core.model.PairRole;
import io.understudy.core.session.SessionLog;
import io.understudy.core.session.SessionLogWriter;
import io.understudy.core.session.SessionRegistry;
import io.understudy.core.session.SessionShutdownPolicy;
import io.understudy.core.session.TerminationCause;
import io.understudy.core.transport.Transport;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running forwarding core of one proxy process: event loops, frontends and their listeners, backends, the control
 * plane and the session registry. {@link #start()} is its only side effect on the network; {@link #stop(Duration)}
 * undoes it.
 */
public final class ProxyEngine implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ProxyEngine.class);

    private final ProxyConfig config;
    private final Transport transport;
    private final List<Backend> backends = new ArrayList<>();
    private final List<FrontendListener> listeners = new ArrayList<>();
    private final SessionLogWriter sessionLogWriter;
    private final SessionRegistry sessions;
    private final ControlPlane control;
    private final long startMillis = System.currentTimeMillis();
    private final SessionBudget budget = new SessionBudget();
    /** Descriptors the parts started around the engine may still open (admin and metrics clients, peer links). */
    private long reservedElsewhere;

    private EventLoopGroup acceptors;
    private volatile EventLoopGroup workers;

    public ProxyEngine(ProxyConfig config) {
        this(config, Transport.best());
    }

    public ProxyEngine(ProxyConfig config, Transport transport) {
        this.config = config;
        this.transport = transport;
        long now = System.currentTimeMillis();
        for (ListenConfig l : config.listens()) {
            backends.add(new Backend(l.backend(), now));
        }
        Map<String, Backend> byName = new java.util.HashMap<>();
        backends.forEach(b -> byName.put(b.name(), b));
        this.sessionLogWriter = new SessionLogWriter(config.global().logFormat());
        this.sessions = new SessionRegistry(new SessionLog(
                backend -> {
                    Backend b = byName.get(backend);
                    return b == null ? 0 : b.queue().size();
                },
                sessionLogWriter));
        ControlPlane.SessionCount count = server -> (int) server.counters().currentSessions();
        // In a pair, a proxy follows until keepalived says it holds the virtual IP.
        this.control = config.peers()
                .map(p -> new ControlPlane(backends, count, p.local(), PairRole.UNKNOWN))
                .orElseGet(() -> new ControlPlane(backends, count));
        // Close sessions of a server that lost its role (on-marked-down / on-marked-up), as the policy says.
        control.addObserver(new SessionShutdownPolicy(backends, sessions));
        Map<String, Integer> maxconn = new LinkedHashMap<>();
        config.listens()
                .forEach(l -> maxconn.put(l.frontend().name(), l.frontend().maxconn()));
        control.declareFrontends(maxconn);
        control.declareConfig(config);
        for (int i = 0; i < config.listens().size(); i++) {
            ListenConfig l = config.listens().get(i);
            Backend backend = backends.get(i);
            Frontend frontend = new Frontend(l.frontend(), backend);
            BackendConnector connector = new BackendConnector(backend, control, transport);
            listeners.add(new FrontendListener(frontend, connector, sessions, transport, budget));
        }
        // The listeners follow what operators decide about frontends and the process's limits.
        control.addObserver(new FrontendControl(listeners, budget));
    }

    /** Starts the event loops and binds every frontend; on any bind failure nothing stays bound. */
    public synchronized void start() throws BindFailedException {
        start(Map.of());
    }

    /**
     * Starts the event loops and listens on every frontend: on the socket {@code inherited} holds for it (handed over by
     * the process this one replaces), else on a socket it binds. On any failure nothing stays bound.
     */
    public synchronized void start(Map<String, io.netty.channel.Channel> inherited) throws BindFailedException {
        if (workers != null) {
            throw new IllegalStateException("already started");
        }
        int threads = ioThreads();
        workers = transport.newGroup(threads, "understudy-io");
        // Listening sockets live on an I/O loop, as HAProxy's listeners live in its threads: with one I/O thread a
        // connection is accepted, registered and relayed by one thread, where a separate acceptor cost a task and a
        // wake-up of another thread per connection (measured: bench/perf-log.md).
        acceptors = workers;
        sessionLogWriter.start();
        if (!"epoll".equals(transport.name())) {
            LOG.warn("native epoll transport unavailable, using NIO: {}", Transport.epollUnavailableReason());
        }
        Optional<SessionBudget.Descriptors> fds = SessionBudget.Descriptors.now();
        if (fds.isPresent()) {
            try {
                budget.measure(fds.get(), reserved(), wantedSessions());
            } catch (IllegalStateException e) {
                shutdownLoops();
                throw new BindFailedException(e.getMessage(), e);
            }
        }
        try {
            for (FrontendListener l : listeners) {
                io.netty.channel.Channel socket = inherited.get(l.frontend().name());
                if (socket != null) {
                    l.adopt(acceptors, workers, socket);
                } else {
                    l.bind(acceptors, workers);
                }
            }
        } catch (BindFailedException e) {
            listeners.forEach(FrontendListener::unbind);
            shutdownLoops();
            throw e;
        }
    }

    public ProxyConfig config() {
        return config;
    }

    /** Each listening frontend's socket, by frontend name, for a process taking over ({@code _getsocks}). */
    public Map<String, io.netty.channel.unix.FileDescriptor> listeningDescriptors() {
        Map<String, io.netty.channel.unix.FileDescriptor> out = new LinkedHashMap<>();
        for (FrontendListener l : listeners) {
            l.descriptor().ifPresent(fd -> out.put(l.frontend().name(), fd));
        }
        return out;
    }

    /**
     * Descriptors that parts started around the engine may still open once it runs (admin and metrics clients, the
     * peer link): kept out of the sessions' budget. Call before {@link #start()}.
     */
    public void reserveDescriptors(long n) {
        reservedElsewhere += n;
    }

    /** The listeners, and per server a check, an SQL check's connection and a writer-lock session at once. */
    private long reserved() {
        long servers = backends.stream().mapToLong(b -> b.servers().size()).sum();
        return listeners.size() + 3 * servers + reservedElsewhere;
    }

    private long wantedSessions() {
        return listeners.stream()
                .mapToLong(l -> l.frontend().config().maxconn())
                .sum();
    }

    /** The sessions the file-descriptor limit allows at once (HAProxy's global maxconn from ulimit-n). */
    public SessionBudget sessionBudget() {
        return budget;
    }

    /**
     * Tasks waiting to run on the I/O event loops at this moment (HAProxy's {@code Run_queue}); 0 before start and after
     * stop. Approximate: each loop's queue is read while it runs.
     */
    public int runQueue() {
        EventLoopGroup w = workers;
        if (w == null) {
            return 0;
        }
        int n = 0;
        for (io.netty.util.concurrent.EventExecutor e : w) {
            if (e instanceof io.netty.util.concurrent.SingleThreadEventExecutor loop) {
                n += loop.pendingTasks();
            }
        }
        return n;
    }

    /** The event-loop threads serving sessions: {@code global.io-threads}, or one per available core when 0. */
    public int ioThreads() {
        int configured = config.global().ioThreads();
        return configured > 0 ? configured : Runtime.getRuntime().availableProcessors();
    }

    public ControlPlane control() {
        return control;
    }

    public SessionRegistry sessions() {
        return sessions;
    }

    public List<Backend> backends() {
        return List.copyOf(backends);
    }

    public List<Frontend> frontends() {
        return listeners.stream().map(FrontendListener::frontend).toList();
    }

    public long startMillis() {
        return startMillis;
    }

    public Transport transport() {
        return transport;
    }

    /**
     * HAProxy's proxy id ({@code iid} in {@code show stat}, {@code be_id} in {@code show servers state}) of the
     * {@code index}-th listen section (0-based). HAProxy numbers proxies from 1 in config order, but a {@code stats
     * socket} creates its internal {@code GLOBAL} frontend first, which takes 1; our admin sockets stand for it, so
     * with admin sockets the first listen is 2, as on a real HAProxy configured the same way.
     */
    public int proxyId(int index) {
        return index + (config.admin().sockets().isEmpty() ? 1 : 2);
    }

    /** Where a frontend is actually listening (useful when the config bound port 0). */
    public Optional<InetSocketAddress> boundAddress(String frontendName) {
        return listeners.stream()
                .filter(l -> l.frontend().name().equals(frontendName))
                .findFirst()
                .map(FrontendListener::localAddress);
    }

    /**
     * Stops accepting, lets established sessions finish for up to {@code grace}, closes the rest, then stops the event
     * loops. Blocks; call it from a non-event-loop thread (the shutdown hook).
     */
    public synchronized void stop(Duration grace) {
        if (workers == null) {
            control.close();
            return;
        }
        listeners.forEach(FrontendListener::unbind);
        if (sessions.size() > 0) {
            LOG.info("waiting up to {} for {} sessions to finish", DurationText.format(grace), sessions.size());
            sessions.awaitEmpty(grace);
        }
        int cut = sessions.closeAll(TerminationCause.PROXY_STOPPING);
        if (cut > 0) {
            LOG.warn("hard-stop-after {} reached: closed {} sessions", DurationText.format(grace), cut);
        }
        shutdownLoops();
        control.close();
    }

    private void shutdownLoops() {
        if (workers != null) {
            workers.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        }
        workers = null;
        acceptors = null;
        // After the loops: every session has ended and queued its line, which is written before this returns.
        sessionLogWriter.close();
    }

    @Override
    public void close() {
        stop(Duration.ZERO);
    }
}
