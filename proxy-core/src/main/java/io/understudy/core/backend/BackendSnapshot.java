package io.understudy.core.backend;

import io.understudy.core.server.Server;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * An immutable view of which servers of a backend may take new sessions, recomputed by the control plane after every
 * state change so that picking a server on the hot path is a volatile read and a walk over a short list.
 *
 * @param activeUsable usable non-backup servers, in declaration order
 * @param backupUsable usable backup servers, in declaration order
 * @param version increases with every recomputation (for logs and tests)
 */
public record BackendSnapshot(List<Server> activeUsable, List<Server> backupUsable, long version) {
    public BackendSnapshot {
        activeUsable = List.copyOf(activeUsable);
        backupUsable = List.copyOf(backupUsable);
    }

    /** Recomputes from the servers' current states. */
    public static BackendSnapshot of(List<Server> servers, long version) {
        List<Server> active = new ArrayList<>();
        List<Server> backup = new ArrayList<>();
        for (Server s : servers) {
            if (s.state().usable()) {
                (s.isBackup() ? backup : active).add(s);
            }
        }
        return new BackendSnapshot(active, backup, version);
    }

    /** Whether traffic goes to backups because no active server is usable. */
    public boolean runningOnBackup() {
        return activeUsable.isEmpty() && !backupUsable.isEmpty();
    }

    /** Whether no server at all can take a session. */
    public boolean noServerAvailable() {
        return activeUsable.isEmpty() && backupUsable.isEmpty();
    }

    /**
     * The servers a new session may go to, HAProxy's way: the usable active servers; if there are none, the first usable
     * backup in declaration order, or all usable backups with {@code allbackups}. Servers in {@code excluded} (already
     * failed for this session) are skipped, so a redispatch after a connect failure moves on to the next one even before
     * the failed server is marked down.
     */
    public List<Server> candidates(Set<Server> excluded, boolean allBackups) {
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
