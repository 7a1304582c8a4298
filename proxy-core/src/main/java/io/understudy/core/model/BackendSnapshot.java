package io.understudy.core.model;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * An immutable view of which servers of a backend may take new sessions, recomputed by the control plane after every
 * state change so that picking a server on the hot path is a volatile read and a walk over a short list.
 *
 * @param activeUsable usable non-backup servers, in declaration order
 * @param backupUsable usable backup servers, in declaration order
 * @param pinned with {@code failback = manual}: the server traffic stays on although an active server is usable
 *     again, until an operator moves it or this server stops being usable
 * @param version increases with every recomputation (for logs and tests)
 */
public record BackendSnapshot(
        List<Server> activeUsable, List<Server> backupUsable, Optional<Server> pinned, long version) {
    public BackendSnapshot {
        activeUsable = List.copyOf(activeUsable);
        backupUsable = List.copyOf(backupUsable);
    }

    /** Recomputes from the servers' current states, keeping {@code pinned} only while it is usable. */
    public static BackendSnapshot of(List<Server> servers, Optional<Server> pinned, long version) {
        List<Server> active = new ArrayList<>();
        List<Server> backup = new ArrayList<>();
        for (Server s : servers) {
            if (s.state().usable()) {
                (s.isBackup() ? backup : active).add(s);
            }
        }
        Optional<Server> pin = pinned.filter(s -> s.state().usable());
        return new BackendSnapshot(active, backup, pin, version);
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
    public List<Server> candidates(Set<Server> excluded, boolean allBackups) {
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

    /** The server a new session would go to first (ignoring balance among several actives): for logs and state. */
    public Optional<Server> first(boolean allBackups) {
        List<Server> c = candidates(Set.of(), allBackups);
        return c.isEmpty() ? Optional.empty() : Optional.of(c.get(0));
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
