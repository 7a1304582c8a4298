package io.understudy.core.model;

/**
 * One change of one server's state, as published.
 *
 * @param server the server
 * @param before its state before
 * @param after its state after (the same as before when the request changed nothing)
 * @param snapshotBefore its backend's snapshot before the change
 * @param snapshot its backend's snapshot after the change
 * @param atNanos {@link System#nanoTime()} when the new snapshot was published (before any observer ran)
 */
public record ServerTransition(
        Server server,
        ServerState before,
        ServerState after,
        BackendSnapshot snapshotBefore,
        BackendSnapshot snapshot,
        long atNanos) {
    public boolean changed() {
        return !before.equals(after);
    }

    /** The server stopped being usable for new sessions (went down, into maintenance or drain, or to weight 0). */
    public boolean becameUnusable() {
        return before.usable() && !after.usable();
    }

    /** New sessions went to backups before this change and go to active servers after it (a failback). */
    public boolean trafficReturnedToActive() {
        return snapshotBefore.runningOnBackup() && !snapshot.runningOnBackup() && !snapshot.noServerAvailable();
    }

    /** The server was marked down by health checks (not put into maintenance by an operator). */
    public boolean markedDown() {
        return before.op().takesTraffic() && !after.op().takesTraffic();
    }

    /** The server became usable for new sessions. */
    public boolean becameUsable() {
        return !before.usable() && after.usable();
    }
}
