package io.understudy.checks.fence;

import io.understudy.checks.fence.LockSession.Held;
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
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The writer lock of one backend, with its claims. While this proxy decides, every round it looks at both locks on
 * every server it can reach, then:
 *
 * <ol>
 *   <li>another session holds the writer lock on a server this proxy has no claim on: route there (adopt) and hold
 *       nothing; on two such servers (a proxy moving it, or a stale session) hold new sessions and hold nothing;
 *   <li>another session holds a claim in sight (and no writer lock this proxy could follow): another decider's writer
 *       is on a server this proxy cannot see, so hold new sessions and hold nothing;
 *   <li>nobody else, and no other decider's claim seen within {@link #claimGraceNanos()}: claim every server in sight
 *       (in configuration order, stopping at the first refusal), then take the writer lock on the server new sessions
 *       go to and let go of it anywhere else. Claims are held with the writer lock, and kept by a holder whose lock
 *       session to its own writer failed while new sessions still go there; a decider that waits otherwise holds none.
 * </ol>
 *
 * While blocked (1 and 2 without a server to follow) for two rounds in a row, this proxy's open sessions on the servers
 * in sight are closed. A decider thus needs the claim of every server it can reach before it writes anywhere: a proxy
 * cut off the writer cannot move to another server while the holder, which still sees that server, claims it. While
 * it follows: hold nothing. Fence thread only; {@link #view()} is safe from any thread.
 */
final class BackendFence {
    private static final Logger LOG = LoggerFactory.getLogger(BackendFence.class);
    /** MariaDB and MySQL limit lock names to 64 characters. */
    private static final int MAX_NAME = 64;

    /** A server whose lock session failed is tried again after this: it just came back, or it is still gone. */
    private static final long RETRY_MILLIS = 500;
    /** Longest wait between two connect attempts of a lock session to a server that keeps failing. */
    static final long MAX_BACKOFF_MILLIS = 5_000;
    /**
     * How long each fence hold lasts; renewed at the start of every round once less than {@link #RENEW_BELOW_MILLIS}
     * is left, so it lapses only if one round of the fence thread (every backend, each server's connect attempt and
     * queries bounded at 0.5 s) takes longer than the difference.
     */
    private static final long HOLD_MILLIS = 5_000;

    private static final long RENEW_BELOW_MILLIS = 4_000;
    /** A server not looked at for longer than this was out of sight (its session dropped, or it was restarting). */
    /** MariaDB with wsrep_on (Galera) refuses GET_LOCK: ER_NOT_SUPPORTED_YET. */
    private static final int NOT_SUPPORTED = 1235;

    private final Backend backend;
    private final ControlPlane control;
    private final FencedSessions open;
    private final String name;
    private final String claim;
    private final int timeoutMillis;
    private final Map<Server, LockSession> sessions = new LinkedHashMap<>();
    /** Where each session was opened: a server whose address changed gets a new one. */
    private final Map<Server, java.net.InetSocketAddress> sessionAt = new LinkedHashMap<>();

    private final Map<Server, Long> retryAt = new LinkedHashMap<>();
    private final Map<Server, String> loginFailures = new LinkedHashMap<>();
    /**
     * This proxy's earlier sessions per server (connection id to the server's start time): a lock one of them still
     * holds on the same run of that server is ours, not another proxy's.
     */
    private final Map<Server, Map<Long, Long>> pastIds = new LinkedHashMap<>();

    private final Map<Server, Long> backoff = new LinkedHashMap<>();
    /** Whether traffic was pinned here because of another proxy's lock (a pin to undo on auto failback). */
    private boolean fencePinned;
    /** The hold this fence put in force ({@link BackendSnapshot#holdUntilNanos()}), 0 when none: lifted only if still it. */
    private long myHoldUntil;
    /** Whether new sessions must stay held (blocked, or in a claim's grace): renewed every round while true. */
    private boolean wantHold;

    private String holdWhy = "";
    /** Consecutive rounds blocked: open sessions are closed from the second, not on one look that may straddle a move. */
    private int blockedRounds;

    private volatile FenceView view;
    private boolean off;
    /** When another session's writer lock was last seen winning, and on which server; 0 never. */
    private long foreignSeenNanos;

    private Optional<Server> foreignSeenOn = Optional.empty();
    /**
     * When another decider's claim was last seen on each server, or that server came back into sight after it had
     * been seen there; entries older than the claim grace are dropped.
     */
    private final Map<Server, Long> claimSeenAt = new LinkedHashMap<>();
    /** Servers whose claim grace was counted again once after a spell out of sight (once per sighting of the claim). */
    private final Set<Server> rearmed = new HashSet<>();
    /** Servers this proxy lost its lock session to (or never reached) since it last looked at them. */
    private final Set<Server> outOfSight = new HashSet<>();
    /** Whether this proxy held the writer lock at its last round that could tell: it keeps and renews its claims. */
    private boolean holder;

    /** The writer lock's wait, which a reload may change through the servers' check settings. */
    private final Duration lockTimeout;

    private String lastLog = "";

    BackendFence(Backend backend, ControlPlane control, Duration timeout, FencedSessions open) {
        this.backend = backend;
        this.control = control;
        this.open = open;
        this.name = lockName(backend.name(), "active");
        this.claim = lockName(backend.name(), "claim");
        this.timeoutMillis = (int) Math.max(100, timeout.toMillis());
        this.lockTimeout = timeout;
        this.view = new FenceView(backend.name(), "waiting", Optional.empty(), Optional.empty(), "not started");
    }

    /** {@link #grace}, from the servers' check settings as they are now (a reload may change them). */
    private long graceNanos() {
        return grace(backend).toNanos();
    }

    /** {@link #claimGrace}, from the settings as they are now. */
    private long claimGraceNanos() {
        return claimGrace(backend, lockTimeout).toNanos();
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

    /**
     * How long to keep writing nowhere after another decider's claim vanished from sight: its lock session to that
     * server may have dropped for a moment (a reset, a restart of the server) while it still holds the writer lock on
     * a server out of sight here; it reconnects and claims again within its longest backoff, one connect attempt and a
     * round. Taking the writer lock before that would make a second writer.
     */
    static Duration claimGrace(Backend backend, Duration timeout) {
        Duration reclaim = Duration.ofMillis(MAX_BACKOFF_MILLIS).plus(timeout).plus(Duration.ofSeconds(1));
        Duration g = grace(backend);
        return reclaim.compareTo(g) > 0 ? reclaim : g;
    }

    /** {@code understudy:<backend>:<kind>}, with a digest of the backend's name when that is too long for the server. */
    static String lockName(String backend, String kind) {
        String n = "understudy:" + backend + ":" + kind;
        if (n.length() <= MAX_NAME) {
            return n;
        }
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest(backend.getBytes(StandardCharsets.UTF_8));
            return "understudy:" + HexFormat.of().formatHex(h, 0, 20) + ":" + kind;
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
            wantHold = false;
            blockedRounds = 0;
            holder = false;
            claimSeenAt.clear();
            rearmed.clear();
            unhold("not the decider");
            view = new FenceView(
                    backend.name(),
                    "following",
                    Optional.empty(),
                    Optional.empty(),
                    "not the decider: the MASTER holds the lock");
            return;
        }
        // Before any query, which may take its time: a hold in force must not lapse during a slow round.
        if (wantHold) {
            renewHold();
        }
        closeRemoved();
        Map<Server, Held> seen = look();
        Optional<Server> target = snap.first();
        // Every claim of another decider in sight is remembered, whatever this round does next: it starts the claim
        // grace that any later lock of this proxy must wait out.
        long seenAt = System.nanoTime();
        seen.forEach((s, h) -> {
            if (foreign(s, h.claim())) {
                claimSeenAt.put(s, seenAt);
                rearmed.remove(s);
            }
        });
        // A writer lock held elsewhere on a server this proxy claims lost the race for that claim: its holder gives it
        // up at its next round (it cannot hold every claim in its sight), so it is not followed.
        List<Server> theirs = seen.entrySet().stream()
                .filter(e -> foreign(e.getKey(), e.getValue().active())
                        && !mine(e.getKey(), e.getValue().claim()))
                .map(Map.Entry::getKey)
                .toList();
        if (theirs.size() > 1) {
            foreignSeenNanos = System.nanoTime();
            foreignSeenOn = Optional.of(theirs.get(0));
            block(
                    seen,
                    "writer lock " + name + " held on " + ids(theirs) + " by other sessions (a proxy moving it, or one "
                            + "whose session outlives it): no writer here until one is left");
            return;
        }
        if (theirs.size() == 1) {
            Server where = theirs.get(0);
            adopt(target, where, seen.get(where).active().getAsLong(), seen);
            return;
        }
        List<Server> claimed = seen.entrySet().stream()
                .filter(e -> foreign(e.getKey(), e.getValue().claim()))
                .map(Map.Entry::getKey)
                .toList();
        if (!claimed.isEmpty()) {
            block(
                    seen,
                    "another proxy claims " + ids(claimed) + " and holds the writer lock on no server in sight: its "
                            + "writer is on a server this proxy cannot reach, so it writes nowhere");
            return;
        }
        blockedRounds = 0;
        Optional<String> grace = graceInForce(seen);
        // The other proxy's lock is gone: undone only once it had time to take it again elsewhere.
        // And only when the server it followed is in sight and free: out of sight, the lock may still be there.
        boolean followedFree = foreignSeenOn
                .map(f -> seen.containsKey(f) && seen.get(f).active().isEmpty())
                .orElse(true);
        if (fencePinned && grace.isEmpty() && followedFree && unpinWhenFree()) {
            return;
        }
        if (target.isEmpty()) {
            releaseMine(seen);
            holder = false;
            waiting(Optional.empty(), "no usable server");
            return;
        }
        Server t = target.get();
        LockSession mine = sessions.get(t);
        if (mine == null || !seen.containsKey(t)) {
            // New sessions still go to it: the claims stay (a holder takes back any it lost, and claims servers that
            // came into sight), so that no other decider opens a second writer; a writer lock held elsewhere goes, so
            // that nobody follows this proxy to a server it no longer writes to. A hold from an earlier block stays:
            // what blocked it cannot be seen from here either.
            releaseActives(seen, Optional.of(t));
            if (holder) {
                claimAll(seen, new ArrayList<>());
            }
            waiting(
                    Optional.of(t),
                    "cannot reach " + t.id() + " to take the writer lock"
                            + (holder ? "; keeping its claims, since new sessions still go there" : "")
                            + (wantHold ? "; new sessions stay held from before" : ""));
            return;
        }
        if (!mine(t, seen.get(t).active())) {
            if (grace.isPresent()) {
                releaseMine(seen);
                holder = false;
                if (grace.get().startsWith(CLAIM_GRACE)) {
                    // Another decider claimed a server in sight a moment ago: it may be reconnecting to it while it
                    // writes where this proxy cannot see. No writer here meanwhile.
                    holdFor(grace.get());
                }
                waiting(Optional.of(t), grace.get());
                return;
            }
            List<Server> taken = new ArrayList<>();
            if (!claimAll(seen, taken)) {
                releaseMine(seen);
                taken.forEach(c -> release(c, claim));
                holder = false;
                waiting(Optional.of(t), "a claim was taken by another session since the last look");
                return;
            }
            // The old one first: for a moment watchers see no writer lock, never two of ours.
            releaseActives(seen, Optional.of(t));
            if (!take(t, mine, name)) {
                if (!off) {
                    releaseMine(seen);
                    taken.forEach(c -> release(c, claim));
                    holder = false;
                    waiting(Optional.of(t), "the writer lock on " + t.id() + " was taken by another session");
                }
                return; // the next round follows whoever took it
            }
            log("backend '" + backend.name() + "': writer lock " + name + " taken on " + t.id() + " (connection "
                    + mine.id() + ")");
        } else {
            // Servers that came into sight since are claimed too; a refusal there is seen at the next round.
            claimAll(seen, new ArrayList<>());
            releaseActives(seen, Optional.of(t));
        }
        wantHold = false;
        holder = true;
        unhold("this proxy holds the writer lock on " + t.id());
        view = new FenceView(
                backend.name(),
                "holding",
                Optional.of(t.name()),
                Optional.of(mine.id()),
                "this proxy holds the writer lock on " + t.id() + " and claims " + ids(List.copyOf(seen.keySet())));
    }

    /** Not holding the writer lock; still {@code blocked} while the hold from a block or a claim's grace lasts. */
    private void waiting(Optional<Server> target, String why) {
        view = new FenceView(
                backend.name(), wantHold ? "blocked" : "waiting", target.map(Server::name), Optional.empty(), why);
    }

    private static final String CLAIM_GRACE = "another proxy's claim";

    /**
     * Why this proxy may not take a lock yet, if it may not: another decider's claim was on a server in sight less
     * than {@link #claimGraceNanos()} ago (counted again from the moment a server comes back into sight: that decider
     * reconnects to it no sooner than this proxy does), or another proxy's writer lock vanished from a server in sight
     * less than {@link #graceNanos()} ago (that proxy is probably failing over).
     */
    private Optional<String> graceInForce(Map<Server, Held> seen) {
        long now = System.nanoTime();
        // Every server, in sight or not: a claim seen on a server that went out of sight still counts until it expires.
        for (Map.Entry<Server, Long> e : claimSeenAt.entrySet()) {
            long at = e.getValue();
            if (now - at < claimGraceNanos()) {
                return Optional.of(CLAIM_GRACE + " on " + e.getKey().id() + " was seen " + (now - at) / 1_000_000
                        + " ms ago: writing nowhere for " + claimGraceNanos() / 1_000_000
                        + " ms in case it is only reconnecting");
            }
        }
        long since = now - foreignSeenNanos;
        // Only when the server it was on is in sight and free: its holder let go (it lost that server and is failing
        // over). A lock on a server out of sight may still be held; waiting would not tell.
        boolean vanishedInSight = foreignSeenOn.map(seen::containsKey).orElse(false);
        if (vanishedInSight && since < graceNanos()) {
            return Optional.of("another proxy's lock vanished " + since / 1_000_000 + " ms ago: waiting "
                    + graceNanos() / 1_000_000 + " ms for it to appear elsewhere before taking one");
        }
        return Optional.empty();
    }

    /**
     * Both locks on every server this proxy can reach, in configuration order. A lock still held by one of this
     * proxy's own earlier sessions (a reconnect after a blip) is seen as free, and that session is ended.
     */
    private Map<Server, Held> look() {
        Map<Server, Held> seen = new LinkedHashMap<>();
        for (Server s : backend.servers()) {
            Optional<LockSession> session = session(s);
            if (session.isEmpty()) {
                continue;
            }
            try {
                Held h = session.get().look(name, claim);
                boolean activePast = past(s, h.active());
                boolean claimPast = past(s, h.claim());
                // Both fields first, then one kill per old session: the same session usually holds both locks.
                Set<Long> ended = new HashSet<>();
                if (activePast) {
                    ended.add(h.active().getAsLong());
                    h = h.withActive(OptionalLong.empty());
                }
                if (claimPast) {
                    ended.add(h.claim().getAsLong());
                    h = h.withClaim(OptionalLong.empty());
                }
                ended.forEach(id -> killPast(s, id));
                forgetPast(s, Set.of(), ended);
                seen.put(s, h);
                long now = System.nanoTime();
                Long at = claimSeenAt.get(s);
                if (outOfSight.remove(s) && at != null && rearmed.add(s)) {
                    // Back in sight after this proxy lost its session to it: the other decider is reconnecting to it
                    // too, and no sooner than this one; its grace starts again, once per sighting of its claim.
                    claimSeenAt.put(s, now);
                } else if (at != null && now - at >= claimGraceNanos()) {
                    claimSeenAt.remove(s);
                    rearmed.remove(s);
                }
            } catch (SQLException e) {
                drop(s, e);
            }
        }
        return seen;
    }

    private boolean past(Server s, OptionalLong holder) {
        LockSession current = sessions.get(s);
        if (holder.isEmpty() || current == null) {
            return false;
        }
        Long start = pastIds.getOrDefault(s, Map.of()).get(holder.getAsLong());
        return start != null && current.sameServerRun(start);
    }

    /**
     * Keeps, of the past ids remembered for {@code s}, only those still holding a lock there ({@code holding}), or
     * just ended ({@code ended}, kept until a look shows their locks gone, since a KILL may take a moment or fail).
     */
    private void forgetPast(Server s, Set<Long> holding, Set<Long> ended) {
        Map<Long, Long> past = pastIds.get(s);
        LockSession current = sessions.get(s);
        if (past == null || current == null) {
            return;
        }
        past.entrySet()
                .removeIf(e -> !current.sameServerRun(e.getValue())
                        || (!ended.contains(e.getKey()) && !holding.contains(e.getKey())));
    }

    /** Held by a session on {@code s} other than this proxy's. */
    private boolean foreign(Server s, OptionalLong holder) {
        LockSession session = sessions.get(s);
        return holder.isPresent() && (session == null || holder.getAsLong() != session.id());
    }

    /** Held by this proxy's session on {@code s} (which a failure earlier in the round may have dropped). */
    private boolean mine(Server s, OptionalLong holder) {
        LockSession session = sessions.get(s);
        return holder.isPresent() && session != null && holder.getAsLong() == session.id();
    }

    /**
     * Claims every server in sight, adding those it claims now to {@code taken}; false when one was taken by someone
     * else since the look (the next round sees who).
     */
    private boolean claimAll(Map<Server, Held> seen, List<Server> taken) {
        for (Map.Entry<Server, Held> e : seen.entrySet()) {
            Server s = e.getKey();
            LockSession session = sessions.get(s);
            if (session == null) {
                return false; // dropped during this round
            }
            if (!mine(s, e.getValue().claim())) {
                if (!take(s, session, claim)) {
                    return false;
                }
                taken.add(s);
            }
        }
        return true;
    }

    /** GET_LOCK without waiting: whether this proxy holds {@code lock} on {@code s} now. */
    private boolean take(Server s, LockSession session, String lock) {
        try {
            return session.acquire(lock);
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
                        "backend '{}': writer lock off for the whole backend: {} refuses GET_LOCK ({}); set "
                                + "peers.writer-lock = false for Galera",
                        backend.name(),
                        s.id(),
                        e.getMessage());
            } else {
                drop(s, e);
            }
            return false;
        }
    }

    /** Lets go of this proxy's writer lock on every server but {@code keep}. */
    private void releaseActives(Map<Server, Held> seen, Optional<Server> keep) {
        seen.forEach((s, h) -> {
            if (!keep.equals(Optional.of(s)) && mine(s, h.active())) {
                release(s, name);
            }
        });
    }

    /** Lets go of every lock this proxy holds in sight, keeping the sessions to look again. */
    private void releaseMine(Map<Server, Held> seen) {
        seen.forEach((s, h) -> {
            if (mine(s, h.active())) {
                release(s, name);
            }
            if (mine(s, h.claim())) {
                release(s, claim);
            }
        });
    }

    private void release(Server s, String lock) {
        LockSession session = sessions.get(s);
        if (session == null) {
            return;
        }
        try {
            session.release(lock);
        } catch (SQLException e) {
            drop(s, e);
        }
    }

    /** Another session holds the writer lock on {@code where}: route there, whatever this proxy would have chosen. */
    private void adopt(Optional<Server> target, Server where, long holder, Map<Server, Held> seen) {
        foreignSeenNanos = System.nanoTime();
        foreignSeenOn = Optional.of(where);
        releaseMine(seen);
        this.holder = false;
        String why =
                "writer lock " + name + " is held on " + where.id() + " by another proxy (connection " + holder + ")";
        view = new FenceView(backend.name(), "adopted", Optional.of(where.name()), Optional.of(holder), why);
        if (target.equals(Optional.of(where))) {
            blockedRounds = 0;
            wantHold = false;
            unhold(why);
            return;
        }
        if (where.state().usable()) {
            blockedRounds = 0;
            log("backend '" + backend.name() + "': " + why + ": moving traffic there");
            fencePinned = true;
            wantHold = false;
            myHoldUntil = 0; // a move lifts any hold
            control.apply(new ControlCommand.MoveTraffic(backend, Optional.of(where), Origin.FENCE, why));
        } else {
            // The other proxy's writer is a server this proxy cannot use: no session goes anywhere else meanwhile, and
            // none already open elsewhere goes on writing.
            log("backend '" + backend.name() + "': " + why + ", which is not usable here: holding new sessions");
            holdFor(why);
            if (++blockedRounds >= 2) {
                for (Server s : backend.servers()) {
                    if (s != where) {
                        closeSessions(s, why);
                    }
                }
            }
        }
    }

    /**
     * No writer this proxy may follow: new sessions wait in the queue (renewed while it lasts), and from the second
     * round in a row this proxy's open sessions on every server in sight are closed, since none of them is the writer.
     */
    private void block(Map<Server, Held> seen, String why) {
        releaseMine(seen);
        holder = false;
        view = new FenceView(backend.name(), "blocked", Optional.empty(), Optional.empty(), why);
        log("backend '" + backend.name() + "': " + why + ": holding new sessions");
        holdFor(why);
        if (++blockedRounds >= 2) {
            for (Server s : seen.keySet()) {
                closeSessions(s, why);
            }
        }
    }

    /** New sessions stay in the queue from now on, renewed every round until this fence lifts it. */
    private void holdFor(String why) {
        wantHold = true;
        holdWhy = why;
        renewHold();
    }

    /**
     * Renews the hold once less than {@link #RENEW_BELOW_MILLIS} is left: one commit per second or so, not one per
     * look. Never shortens a longer hold (an operator's switchover).
     */
    private void renewHold() {
        long until = backend.snapshot().holdUntilNanos();
        if (until == 0 || until - System.nanoTime() < RENEW_BELOW_MILLIS * 1_000_000) {
            try {
                control.apply(new ControlCommand.HoldTraffic(
                                backend, Optional.of(Duration.ofMillis(HOLD_MILLIS)), Origin.FENCE, holdWhy))
                        .toCompletableFuture()
                        .get(1, java.util.concurrent.TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                LOG.warn("backend '{}': could not hold new sessions: {}", backend.name(), e.toString());
            }
            myHoldUntil = backend.snapshot().holdUntilNanos();
        }
    }

    /**
     * Lifts the fence's own hold, and only if it is still the one in force: an operator's hold (a switchover) set
     * since is theirs to lift.
     */
    private void unhold(String why) {
        if (myHoldUntil != 0) {
            long until = backend.snapshot().holdUntilNanos();
            if (until == myHoldUntil && backend.snapshot().held()) {
                control.apply(new ControlCommand.HoldTraffic(backend, Optional.empty(), Origin.FENCE, why));
            }
            myHoldUntil = 0;
        }
    }

    private void closeSessions(Server s, String why) {
        int n = open.close(s, why);
        if (n > 0) {
            LOG.warn("backend '{}': closed {} sessions on {}: {}", backend.name(), n, s.id(), why);
        }
    }

    private static String ids(List<Server> servers) {
        return servers.stream().map(Server::id).collect(Collectors.joining(", "));
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

    /** Ends one of this proxy's own earlier sessions (a user may kill its own threads); its locks go with it. */
    private void killPast(Server s, long id) {
        LockSession current = sessions.get(s);
        if (current == null) {
            return;
        }
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
    }

    private Optional<LockSession> session(Server s) {
        if (!s.state().settings().address().hasAddress()) {
            // A name that has not resolved yet (init-addr none): nowhere to hold a lock.
            return Optional.empty();
        }
        LockSession existing = sessions.get(s);
        if (existing != null && s.address().equals(sessionAt.get(s))) {
            return Optional.of(existing);
        }
        if (existing != null) {
            // set server addr: the lock must be held where the server is now, not on the MySQL it was.
            sessions.remove(s);
            existing.close();
            pastIds.remove(s);
            LOG.info(
                    "backend '{}': {} moved to {}: writer lock session reopened there",
                    backend.name(),
                    s.id(),
                    s.address());
        }
        long now = System.currentTimeMillis();
        if (retryAt.getOrDefault(s, 0L) > now) {
            return Optional.empty();
        }
        CheckConfig check = s.config().check();
        try {
            LockSession opened =
                    LockSession.open(new JdbcLogin(s.address(), check.user(), check.password()), timeoutMillis);
            sessions.put(s, opened);
            sessionAt.put(s, s.address());
            retryAt.remove(s);
            backoff.remove(s);
            loginFailures.remove(s);
            return Optional.of(opened);
        } catch (SQLException e) {
            outOfSight.add(s);
            // From after the attempt (a timeout took its time), doubling up to 5 s: a dead server must not take the
            // fence thread's every round from the other servers and backends.
            long wait = Math.min(MAX_BACKOFF_MILLIS, backoff.getOrDefault(s, RETRY_MILLIS / 2) * 2);
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

    /** Ends the lock sessions of servers deleted since the last round (del server, a peer's state). */
    private void closeRemoved() {
        List<Server> now = backend.servers();
        for (Server s : List.copyOf(sessions.keySet())) {
            if (!now.contains(s)) {
                sessions.remove(s).close();
                sessionAt.remove(s);
                pastIds.remove(s);
                retryAt.remove(s);
                backoff.remove(s);
                loginFailures.remove(s);
                LOG.info("backend '{}': {} deleted: its writer lock session closed", backend.name(), s.id());
            }
        }
    }

    private void drop(Server s, SQLException e) {
        outOfSight.add(s);
        LockSession gone = sessions.remove(s);
        if (gone != null) {
            gone.close();
            remember(s, gone);
        }
        retryAt.put(s, System.currentTimeMillis() + RETRY_MILLIS);
        LOG.debug("backend '{}': writer lock session to {} lost: {}", backend.name(), s.id(), e.getMessage());
    }

    /** The server may not have noticed the session's end yet (a silent cut): the locks it holds are still ours. */
    private void remember(Server s, LockSession gone) {
        pastIds.computeIfAbsent(s, k -> new LinkedHashMap<>()).put(gone.id(), gone.serverStartSeconds());
    }

    /** Closing a session frees whatever it held, whether or not the server answers a RELEASE_LOCK. */
    void releaseAll() {
        sessions.forEach(this::remember);
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
