package io.understudy.core.session;

import io.netty.channel.Channel;
import io.understudy.core.counter.TrafficCounters;
import io.understudy.core.model.Server;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Every live session, so that the admin side can list them and close them by id or by server, and so that failover can
 * close the sessions of a server that lost its role. Also counts how sessions ended.
 */
public final class SessionRegistry {
    private final ConcurrentHashMap<Long, ProxySession> live = new ConcurrentHashMap<>();
    private final AtomicLong ids = new AtomicLong();
    private final Map<TerminationCause, LongAdder> ended = new EnumMap<>(TerminationCause.class);
    /** Per backend name; each inner map is filled with every cause when created, then only read. */
    private final ConcurrentHashMap<String, Map<TerminationCause, LongAdder>> endedByBackend =
            new ConcurrentHashMap<>();

    private final SessionLog log;
    private final java.util.List<SessionListener> listeners = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final Object drained = new Object();

    public SessionRegistry(SessionLog log) {
        this.log = log;
        for (TerminationCause c : TerminationCause.values()) {
            ended.put(c, new LongAdder());
        }
    }

    /** Registers a new client connection of a writer-role backend (see the next method). */
    public ProxySession open(
            String frontendName,
            String backendName,
            Channel client,
            TrafficCounters frontendCounters,
            TrafficCounters backendCounters) {
        return open(frontendName, backendName, client, frontendCounters, backendCounters, true);
    }

    /**
     * Registers a new client connection; the session ends (and is removed) when the client channel closes.
     *
     * @param watchWrites whether the backend has the writer role, so that the session tracks which requests may write
     *     (only a writer's sessions are drained with a write in mind)
     */
    public ProxySession open(
            String frontendName,
            String backendName,
            Channel client,
            TrafficCounters frontendCounters,
            TrafficCounters backendCounters,
            boolean watchWrites) {
        ProxySession s = new ProxySession(
                ids.incrementAndGet(),
                frontendName,
                backendName,
                client,
                this,
                frontendCounters,
                backendCounters,
                watchWrites);
        long now = System.currentTimeMillis();
        frontendCounters.sessionOpened(now);
        backendCounters.sessionOpened(now);
        live.put(s.id(), s);
        client.closeFuture().addListener(f -> s.finish());
        return s;
    }

    void finished(ProxySession s, long totalMillis) {
        TerminationCause cause = s.cause().orElse(TerminationCause.CLIENT_CLOSED);
        ended.get(cause).increment();
        endedByBackend
                .computeIfAbsent(s.backendName(), b -> adders())
                .get(cause)
                .increment();
        live.remove(s.id());
        // HAProxy logs before the session is freed: it still counts in the process's sessions (%ac).
        log.sessionEnded(s, totalMillis, cause, live.size() + 1);
        for (SessionListener l : listeners) {
            try {
                l.sessionEnded(s, totalMillis, cause);
            } catch (RuntimeException e) {
                // A broken listener must not keep the session listed (show sess, the shutdown wait).
                org.slf4j.LoggerFactory.getLogger(SessionRegistry.class)
                        .warn("session listener {} failed for session {}", l, s.id(), e);
            }
        }
        if (live.isEmpty()) {
            synchronized (drained) {
                drained.notifyAll();
            }
        }
    }

    /** Adds a listener told about every session that ends from now on (metrics, for example). */
    public void addListener(SessionListener listener) {
        listeners.add(listener);
    }

    public Collection<ProxySession> sessions() {
        return live.values();
    }

    public int size() {
        return live.size();
    }

    public Optional<ProxySession> find(long id) {
        return Optional.ofNullable(live.get(id));
    }

    /** Closes every session connected to {@code server}; returns how many were asked to close. */
    public int closeByServer(Server server, TerminationCause why) {
        List<ProxySession> victims = new ArrayList<>();
        for (ProxySession s : live.values()) {
            if (s.server().filter(server::equals).isPresent()) {
                victims.add(s);
            }
        }
        victims.forEach(s -> s.terminate(why, false));
        return victims.size();
    }

    /**
     * Closes every session of {@code server} whose server connection goes elsewhere than {@code address}: after {@code
     * set server addr}, those still on the old address. Returns how many were asked to close.
     */
    public int closeByServerNotAt(Server server, java.net.InetSocketAddress address, TerminationCause why) {
        List<ProxySession> victims = new ArrayList<>();
        for (ProxySession s : live.values()) {
            if (s.server().filter(server::equals).isPresent() && !s.connectedTo(address)) {
                victims.add(s);
            }
        }
        victims.forEach(s -> s.terminate(why, false));
        return victims.size();
    }

    /**
     * Drains every session connected to {@code server}: each ends at its next rest, and at {@code deadlineNanos} at
     * the latest when {@code closeAtDeadline} ({@link ProxySession#drain}); returns how many were told.
     */
    public int drainByServer(
            Server server, TerminationCause why, long deadlineNanos, boolean closeAtDeadline, boolean serverDown) {
        List<ProxySession> draining = new ArrayList<>();
        for (ProxySession s : live.values()) {
            if (s.server().filter(server::equals).isPresent()) {
                draining.add(s);
            }
        }
        draining.forEach(s -> s.drain(why, deadlineNanos, closeAtDeadline, serverDown));
        return draining.size();
    }

    /** Closes every live session. */
    public int closeAll(TerminationCause why) {
        List<ProxySession> victims = new ArrayList<>(live.values());
        victims.forEach(s -> s.terminate(why, false));
        return victims.size();
    }

    /**
     * Blocks until no session is left or {@code timeout} has passed; returns whether none is left. Never call it on an
     * event loop.
     */
    public boolean awaitEmpty(java.time.Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (drained) {
            while (!live.isEmpty()) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                try {
                    java.util.concurrent.TimeUnit.NANOSECONDS.timedWait(drained, left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return live.isEmpty();
                }
            }
            return true;
        }
    }

    /** How many sessions of {@code backendName} ended with {@code cause} since start. */
    public long endedTotal(String backendName, TerminationCause cause) {
        Map<TerminationCause, LongAdder> m = endedByBackend.get(backendName);
        return m == null ? 0 : m.get(cause).sum();
    }

    private static Map<TerminationCause, LongAdder> adders() {
        Map<TerminationCause, LongAdder> m = new EnumMap<>(TerminationCause.class);
        for (TerminationCause c : TerminationCause.values()) {
            m.put(c, new LongAdder());
        }
        return m;
    }

    /** How many sessions ended with {@code cause} since start. */
    public long endedTotal(TerminationCause cause) {
        return ended.get(cause).sum();
    }
}
