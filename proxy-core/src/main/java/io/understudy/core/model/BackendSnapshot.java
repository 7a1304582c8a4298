package io.understudy.core.model;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * An immutable view of one backend as the last commit left it: which servers may take new sessions, where traffic is
 * pinned, and the backend's bookkeeping. Picking a server on the hot path is a volatile read of this value and a walk
 * over a short list; {@link #select} is the only place a server is chosen.
 *
 * @param generation the model generation of the commit that published it
 * @param activeUsable usable non-backup servers, in declaration order
 * @param backupUsable usable backup servers, in declaration order
 * @param pinned the server all new sessions go to although others may be usable (an operator's {@code set backend ...
 *     active-server}, or a backup held by {@code failback = manual}), while it stays usable
 * @param lastChangeMillis when the backend last went from having a usable server to none, or back
 * @param downtime how often and how long the backend had no usable server
 * @param failovers how often new sessions started going to servers they were not going to before
 * @param lastFailoverNanos {@link System#nanoTime()} of the last failover, or 0 before the first
 * @param lastTraffic the servers that took new sessions at the last commit that had any (what a failover is measured
 *     against; kept through an outage)
 * @param writer the backend has the writer role ({@code balance first}, or one active server and backups): new sessions go to exactly
 *     one server, whatever failed for a given client, and wait while that server's health is in doubt
 * @param allBackups HAProxy's {@code option allbackups}
 * @param strategy the backend's balance algorithm
 * @param drainUntilNanos writer role: until this {@link System#nanoTime()}, set when traffic last moved from one
 *     server to another ({@code timeout drain} after the move), the new writer takes no session while another server
 *     of the backend still has sessions: a write in flight on the old writer lands before the first on the new one
 * @param servers all the backend's servers, in declaration order
 * @param holdUntilNanos writer role: until this {@link System#nanoTime()} new sessions wait in the queue whatever the
 *     servers' states (a graceful switchover in progress); 0 when not held
 */
public record BackendSnapshot(
        long generation,
        List<Server> activeUsable,
        List<Server> backupUsable,
        Optional<Server> pinned,
        long lastChangeMillis,
        Downtime downtime,
        long failovers,
        long lastFailoverNanos,
        Set<Server> lastTraffic,
        boolean writer,
        boolean allBackups,
        BalanceStrategy strategy,
        long drainUntilNanos,
        List<Server> servers,
        long holdUntilNanos) {
    public BackendSnapshot {
        servers = List.copyOf(servers);
        activeUsable = List.copyOf(activeUsable);
        backupUsable = List.copyOf(backupUsable);
        lastTraffic = Set.copyOf(lastTraffic);
    }

    /** The same routing with the backend's bookkeeping, as the commit computed it. */
    BackendSnapshot withBookkeeping(
            long lastChange,
            Downtime down,
            long failoverCount,
            long lastFailover,
            Set<Server> traffic,
            long drainUntil) {
        return new BackendSnapshot(
                generation,
                activeUsable,
                backupUsable,
                pinned,
                lastChange,
                down,
                failoverCount,
                lastFailover,
                traffic,
                writer,
                allBackups,
                strategy,
                drainUntil,
                servers,
                holdUntilNanos);
    }

    /** The same snapshot held until {@code until} (0: not held). */
    BackendSnapshot withHold(long until) {
        return new BackendSnapshot(
                generation,
                activeUsable,
                backupUsable,
                pinned,
                lastChangeMillis,
                downtime,
                failovers,
                lastFailoverNanos,
                lastTraffic,
                writer,
                allBackups,
                strategy,
                drainUntilNanos,
                servers,
                until);
    }

    /** Whether new sessions are held in the queue now (a graceful switchover in progress). */
    public boolean held() {
        return holdUntilNanos != 0 && holdUntilNanos - System.nanoTime() > 0;
    }

    /** Whether new sessions go to a backup: none of the active servers is usable, or a backup is pinned. */
    public boolean runningOnBackup() {
        if (pinned.isPresent()) {
            return pinned.get().isBackup();
        }
        return activeUsable.isEmpty() && !backupUsable.isEmpty();
    }

    /** Whether no server at all can take a session. */
    public boolean noServerAvailable() {
        return activeUsable.isEmpty() && backupUsable.isEmpty();
    }

    /**
     * The servers a new session may go to, HAProxy's way: the pinned server if any; else the usable active servers;
     * if there are none, the first usable backup in declaration order, or all usable backups with
     * {@code allbackups}. Servers in {@code excluded} (already failed for this session) are skipped, so a redispatch
     * after a connect failure moves on to the next one even before the failed server is marked down.
     */
    public List<Server> candidates(Set<Server> excluded) {
        if (writer) {
            // One writer at a time: a client is never sent on its own to a server that is not the backend's target;
            // traffic moves only as a whole, when the model moves it.
            List<Server> all = order(Set.of());
            return all.isEmpty() ? all : all.subList(0, 1);
        }
        return order(excluded);
    }

    private List<Server> order(Set<Server> excluded) {
        if (pinned.isPresent() && !excluded.contains(pinned.get())) {
            return List.of(pinned.get());
        }
        List<Server> active = without(activeUsable, excluded);
        if (!active.isEmpty()) {
            return active;
        }
        List<Server> backup = without(backupUsable, excluded);
        if (backup.isEmpty() || allBackups) {
            return backup;
        }
        return backup.subList(0, 1);
    }

    /** The servers new sessions go to now. */
    public List<Server> targets() {
        return candidates(Set.of());
    }

    /** The server a new session would go to first (ignoring balance among several actives): for logs and state. */
    public Optional<Server> first() {
        List<Server> c = targets();
        return c.isEmpty() ? Optional.empty() : Optional.of(c.get(0));
    }

    /** Whether a session that was sent to {@code server} (and has failed on {@code excluded}) would still go there. */
    public boolean routes(Server server, Set<Server> excluded) {
        return candidates(excluded).contains(server);
    }

    /**
     * Chooses the server for a new session and takes a slot on it: among {@link #candidates} with a free slot under
     * their {@code maxconn}, by the balance algorithm. Empty when no candidate has a free slot (or there is none; tell
     * the two apart with {@link #candidates}). The caller owns the slot and must release it.
     */
    public Optional<Slot> select(Set<Server> excluded) {
        List<Server> candidates = candidates(excluded);
        if (writer && !candidates.isEmpty() && !writerMayTake(candidates.get(0))) {
            return Optional.empty();
        }
        // Every failed reservation removes a server that filled up meanwhile, so this ends.
        while (!candidates.isEmpty()) {
            List<Server> free = withFreeSlot(candidates);
            if (free.isEmpty()) {
                return Optional.empty();
            }
            Server chosen = strategy.pick(free);
            if (chosen.tryTakeSlot()) {
                chosen.counters().selected();
                return Optional.of(new Slot(chosen, generation));
            }
            candidates = without(free, Set.of(chosen));
        }
        return Optional.empty();
    }

    /**
     * Whether the writer may take a new session now: not while its health is in doubt (a client just failed to reach
     * it: the checks' verdict comes first), and not while traffic is moving to it and another server still has
     * sessions, until {@link #drainUntilNanos}. Both waits happen in the backend's queue.
     */
    private boolean writerMayTake(Server writer) {
        if (writer.state().check().inDoubt() || held()) {
            return false;
        }
        return !draining(writer);
    }

    /** Whether traffic is still moving to {@code writer}: the drain has not timed out and another server serves. */
    public boolean draining(Server writer) {
        if (drainUntilNanos == 0 || System.nanoTime() - drainUntilNanos >= 0) {
            return false;
        }
        for (Server s : servers) {
            if (s != writer && s.served() > 0) {
                return true;
            }
        }
        return false;
    }

    private static List<Server> withFreeSlot(List<Server> servers) {
        for (Server s : servers) {
            if (!s.hasFreeSlot()) {
                List<Server> free = new ArrayList<>(servers.size());
                for (Server t : servers) {
                    if (t.hasFreeSlot()) {
                        free.add(t);
                    }
                }
                return free;
            }
        }
        return servers;
    }

    private static List<Server> without(List<Server> servers, Set<Server> excluded) {
        if (excluded.isEmpty()) {
            return servers;
        }
        List<Server> kept = new ArrayList<>(servers.size());
        for (Server s : servers) {
            if (!excluded.contains(s)) {
                kept.add(s);
            }
        }
        return kept;
    }
}
