package io.understudy.checks.fence;

import io.understudy.checks.sql.JdbcLogin;
import io.understudy.core.config.CheckConfig;
import io.understudy.core.model.Backend;
import io.understudy.core.model.BackendSnapshot;
import io.understudy.core.model.ControlCommand;
import io.understudy.core.model.ControlPlane;
import io.understudy.core.model.Origin;
import io.understudy.core.model.Server;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.SQLException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The writer lock of one backend. While this proxy decides: if some server's lock is held by another session, route
 * there (adopt) and hold no lock; else hold the lock on the server new sessions go to, and on no other. While it
 * follows: hold nothing. Fence thread only; {@link #view()} is safe from any thread.
 */
final class BackendFence {
    private static final Logger LOG = LoggerFactory.getLogger(BackendFence.class);
    /** MariaDB and MySQL limit lock names to 64 characters. */
    private static final int MAX_NAME = 64;

    /** A server whose lock session failed is tried again after this: it just came back, or it is still gone. */
    private static final long RETRY_MILLIS = 500;
    /** How long each hold lasts while the other proxy's writer is unusable here (renewed while it lasts). */
    private static final long HOLD_MILLIS = 2_000;
    /** MariaDB with wsrep_on (Galera) refuses GET_LOCK: ER_NOT_SUPPORTED_YET. */
    private static final int NOT_SUPPORTED = 1235;

    private final Backend backend;
    private final ControlPlane control;
    private final String name;
    private final int timeoutMillis;
    private final Map<Server, LockSession> sessions = new LinkedHashMap<>();
    private final Map<Server, Long> retryAt = new LinkedHashMap<>();
    private final Map<Server, String> loginFailures = new LinkedHashMap<>();
    /** Connection ids of this proxy's earlier sessions per server: a lock one of them still holds is ours, not another proxy's. */
    private final Map<Server, java.util.Set<Long>> pastIds = new LinkedHashMap<>();

    private final Map<Server, Long> backoff = new LinkedHashMap<>();
    /** Whether traffic was pinned here because of another proxy's lock (a pin to undo on auto failback). */
    private boolean fencePinned;

    private volatile FenceView view;
    private boolean off;
    /** When another session's lock was last seen winning, and on which server; 0 never. */
    private long foreignSeenNanos;

    private Optional<Server> foreignSeenOn = Optional.empty();

    private final long graceNanos;
    private String lastLog = "";

    BackendFence(Backend backend, ControlPlane control, Duration timeout) {
        this.backend = backend;
        this.control = control;
        this.name = lockName(backend.name());
        this.timeoutMillis = (int) Math.max(100, timeout.toMillis());
        this.graceNanos = grace(backend).toNanos();
        this.view = new FenceView(backend.name(), "waiting", Optional.empty(), Optional.empty(), "not started");
    }

    /**
     * How long to wait, after another proxy's lock vanished, before taking one: that proxy may be moving it (it lost
     * its server and is failing over, which takes its checks up to {@code inter x fall + timeout}); taking a lock on
     * the old server meanwhile would leave each proxy on its own lock. At least 2 s.
     */
    static Duration grace(Backend backend) {
        Duration g = Duration.ofSeconds(2);
        for (Server s : backend.servers()) {
            CheckConfig c = s.config().check();
            Duration detect = c.inter().multipliedBy(c.fall()).plus(c.timeout());
            if (detect.compareTo(g) > 0) {
                g = detect;
            }
        }
        return g;
    }

    static String lockName(String backend) {
        String n = "understudy:" + backend + ":active";
        if (n.length() <= MAX_NAME) {
            return n;
        }
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest(backend.getBytes(StandardCharsets.UTF_8));
            return "understudy:" + HexFormat.of().formatHex(h, 0, 20) + ":active";
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    String name() {
        return name;
    }

    FenceView view() {
        return view;
    }

    void tick() {
        BackendSnapshot snap = backend.snapshot();
        if (off || !snap.writer()) {
            return;
        }
        if (!control.pairRole().decides()) {
            if (fencePinned) {
                unpinWhenFree();
            }
            releaseAll();
            view = new FenceView(
                    backend.name(),
                    "following",
                    Optional.empty(),
                    Optional.empty(),
                    "not the decider: the MASTER holds the lock");
            return;
        }
        Map<Server, OptionalLong> holders = new LinkedHashMap<>();
        for (Server s : backend.servers()) {
            Optional<LockSession> session = session(s);
            if (session.isEmpty()) {
                continue;
            }
            try {
                holders.put(s, session.get().holder(name));
            } catch (SQLException e) {
                drop(s, e);
            }
        }
        Optional<Server> target = snap.first();
        // The lock that counts is the one on the first server (in configuration order) where anyone holds it: two
        // deciders that each took a lock on a different server both see the same winner, so they cannot swap
        // forever. Another session's winning lock is adopted; our own lets us go on.
        for (Map.Entry<Server, OptionalLong> e : holders.entrySet()) {
            OptionalLong h = e.getValue();
            if (h.isPresent()) {
                if (pastIds.getOrDefault(e.getKey(), java.util.Set.of()).contains(h.getAsLong())) {
                    // Our own session from before a reconnect still holds it: end it, so the lock is free now.
                    killPast(e.getKey(), h.getAsLong());
                    holders.put(e.getKey(), OptionalLong.empty());
                    continue;
                }
                if (h.getAsLong() != sessions.get(e.getKey()).id()) {
                    adopt(target, e.getKey(), h.getAsLong());
                    return;
                }
                break;
            }
        }
        if (fencePinned && unpinWhenFree()) {
            return;
        }
        if (target.isEmpty()) {
            view = new FenceView(backend.name(), "waiting", Optional.empty(), Optional.empty(), "no usable server");
            return;
        }
        Server t = target.get();
        LockSession mine = sessions.get(t);
        if (mine == null || !holders.containsKey(t)) {
            view = new FenceView(
                    backend.name(),
                    "waiting",
                    Optional.of(t.name()),
                    Optional.empty(),
                    "cannot reach " + t.id() + " to take the writer lock");
            return;
        }
        if (holders.get(t).isPresent() && holders.get(t).getAsLong() != mine.id()) {
            // Ours is on an earlier server but the one we write to is locked by someone else: go with theirs.
            adopt(target, t, holders.get(t).getAsLong());
            return;
        }
        if (holders.get(t).isEmpty()) {
            long since = System.nanoTime() - foreignSeenNanos;
            // Only when the server it was on is in sight and free: its holder let go (it lost that server and is
            // failing over). A lock on a server out of sight may still be held; waiting would not tell.
            boolean vanishedInSight = foreignSeenOn.map(holders::containsKey).orElse(false);
            if (vanishedInSight && since < graceNanos) {
                view = new FenceView(
                        backend.name(),
                        "waiting",
                        Optional.of(t.name()),
                        Optional.empty(),
                        "another proxy's lock vanished " + since / 1_000_000 + " ms ago: waiting "
                                + graceNanos / 1_000_000 + " ms for it to appear elsewhere before taking one");
                return;
            }
            try {
                if (!mine.acquire(name)) {
                    return; // taken by someone else since we looked: the next tick adopts it
                }
            } catch (SQLException e) {
                if (e.getErrorCode() == NOT_SUPPORTED) {
                    off = true;
                    releaseAll();
                    view = new FenceView(
                            backend.name(),
                            "off",
                            Optional.empty(),
                            Optional.empty(),
                            "the server refuses named locks (Galera?): " + e.getMessage());
                    LOG.warn(
                            "backend '{}': writer lock off: {} refuses GET_LOCK ({}); set peers.writer-lock = false "
                                    + "for Galera",
                            backend.name(),
                            t.id(),
                            e.getMessage());
                } else {
                    drop(t, e);
                }
                return;
            }
            log("backend '" + backend.name() + "': writer lock " + name + " taken on " + t.id() + " (connection "
                    + mine.id() + ")");
        }
        for (Map.Entry<Server, OptionalLong> e : holders.entrySet()) {
            if (e.getKey() != t && e.getValue().isPresent()) {
                try {
                    sessions.get(e.getKey()).release(name);
                } catch (SQLException ex) {
                    drop(e.getKey(), ex);
                }
            }
        }
        view = new FenceView(
                backend.name(),
                "holding",
                Optional.of(t.name()),
                Optional.of(mine.id()),
                "this proxy holds the writer lock on " + t.id());
    }

    /** Another session holds the lock on {@code where}: route there, whatever this proxy would have chosen. */
    private void adopt(Optional<Server> target, Server where, long holder) {
        foreignSeenNanos = System.nanoTime();
        foreignSeenOn = Optional.of(where);
        releaseAll();
        String why =
                "writer lock " + name + " is held on " + where.id() + " by another proxy (connection " + holder + ")";
        view = new FenceView(backend.name(), "adopted", Optional.of(where.name()), Optional.of(holder), why);
        if (target.equals(Optional.of(where))) {
            return;
        }
        if (where.state().usable()) {
            log("backend '" + backend.name() + "': " + why + ": moving traffic there");
            fencePinned = true;
            control.apply(new ControlCommand.MoveTraffic(backend, Optional.of(where), Origin.FENCE, why));
        } else {
            // The other proxy's writer is a server this proxy cannot use: no session goes anywhere else meanwhile.
            log("backend '" + backend.name() + "': " + why + ", which is not usable here: holding new sessions");
            // Renewed only when the hold in force is about to end: one commit per hold, not one per look.
            long until = backend.snapshot().holdUntilNanos();
            if (until == 0 || until - System.nanoTime() < 2 * WriterFence.INTERVAL.toNanos()) {
                control.apply(new ControlCommand.HoldTraffic(
                        backend, Optional.of(Duration.ofMillis(HOLD_MILLIS)), Origin.FENCE, why));
            }
        }
    }

    /**
     * The other proxy's lock that traffic followed is gone (or this proxy follows now): with {@code failback = auto}
     * the pin the fence set is dropped, so the normal order applies again; with manual failback it stays, as any
     * failover's pin does. Returns whether a command was sent (the next look goes on from the new routing).
     */
    private boolean unpinWhenFree() {
        fencePinned = false;
        if (backend.config().failover().failback() != io.understudy.core.config.FailoverPolicy.Failback.AUTO
                || backend.snapshot().pinned().isEmpty()) {
            return false;
        }
        control.apply(new ControlCommand.MoveTraffic(
                backend, Optional.empty(), Origin.FENCE, "the other proxy's writer lock is gone: normal order"));
        return true;
    }

    private void killPast(Server s, long id) {
        LockSession current = sessions.get(s);
        try {
            current.kill(id);
        } catch (SQLException e) {
            LOG.debug(
                    "backend '{}': could not end old lock session {} on {}: {}",
                    backend.name(),
                    id,
                    s.id(),
                    e.getMessage());
        }
        pastIds.getOrDefault(s, java.util.Set.of()).remove(id);
    }

    private Optional<LockSession> session(Server s) {
        LockSession existing = sessions.get(s);
        if (existing != null) {
            return Optional.of(existing);
        }
        long now = System.currentTimeMillis();
        if (retryAt.getOrDefault(s, 0L) > now) {
            return Optional.empty();
        }
        CheckConfig check = s.config().check();
        try {
            LockSession opened = LockSession.open(
                    new JdbcLogin(s.config().address().resolved(), check.user(), check.password()), timeoutMillis);
            sessions.put(s, opened);
            retryAt.remove(s);
            backoff.remove(s);
            loginFailures.remove(s);
            return Optional.of(opened);
        } catch (SQLException e) {
            // From after the attempt (a timeout took its time), doubling up to 5 s: a dead server must not take the
            // fence thread's every round from the other servers and backends.
            long wait = Math.min(5_000, backoff.getOrDefault(s, RETRY_MILLIS / 2) * 2);
            backoff.put(s, wait);
            retryAt.put(s, System.currentTimeMillis() + wait);
            // Once per server and error: a server that is down is the checks' news, but a refused login (a check
            // user that cannot log in, a tcp check with no user) means no fencing at all, which must be seen.
            String line = "backend '" + backend.name() + "': writer lock: cannot log in to " + s.id() + " as '"
                    + check.user() + "': " + e.getMessage();
            String kind = e.getSQLState() + "/" + e.getErrorCode();
            if (!kind.equals(loginFailures.put(s, kind))) {
                LOG.warn(line);
            }
            return Optional.empty();
        }
    }

    private void drop(Server s, SQLException e) {
        LockSession gone = sessions.remove(s);
        if (gone != null) {
            gone.close();
            // The server may not have noticed yet (a silent cut): the lock it holds is still ours.
            pastIds.computeIfAbsent(s, k -> new java.util.HashSet<>()).add(gone.id());
        }
        retryAt.put(s, System.currentTimeMillis() + RETRY_MILLIS);
        LOG.debug("backend '{}': writer lock session to {} lost: {}", backend.name(), s.id(), e.getMessage());
    }

    /** Closing a session frees whatever it held, whether or not the server answers a RELEASE_LOCK. */
    void releaseAll() {
        sessions.values().forEach(LockSession::close);
        sessions.clear();
    }

    private void log(String line) {
        if (!line.equals(lastLog)) {
            LOG.warn(line);
            lastLog = line;
        }
    }
}
