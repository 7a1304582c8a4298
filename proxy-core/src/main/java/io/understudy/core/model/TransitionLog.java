package io.understudy.core.model;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Logs server and backend state changes with HAProxy's sentences, so that existing log alerts keep matching. */
final class TransitionLog {
    private static final Logger LOG = LoggerFactory.getLogger("understudy.state");

    void log(ServerTransition t, BackendSnapshot before, int activeSessions) {
        ServerState a = t.before();
        ServerState b = t.after();
        Server s = t.server();
        String who = (s.isBackup() ? "Backup Server " : "Server ") + s.id();
        BackendSnapshot snap = t.snapshot();
        String left = snap.activeUsable().size() + " active and "
                + snap.backupUsable().size() + " backup servers";
        String onBackup = snap.runningOnBackup() ? " Running on backup." : "";

        boolean maintIn = !a.inMaintenance() && b.inMaintenance();
        boolean maintOut = a.inMaintenance() && !b.inMaintenance();
        if (maintIn) {
            LOG.warn(
                    "{} is going DOWN for maintenance. {} left.{} {} sessions active, 0 requeued, 0 remaining in queue.",
                    who,
                    left,
                    onBackup,
                    activeSessions);
        } else if (maintOut) {
            LOG.warn(
                    "{} is {} (leaving {}maintenance). {} online.",
                    who,
                    b.op() == OpState.STOPPED ? "DOWN" : "UP/READY",
                    a.admin().contains(AdminFlag.FMAINT) ? "forced " : "",
                    left);
        } else if (a.op() != b.op() && !b.inMaintenance()) {
            if (b.op().takesTraffic()) {
                LOG.warn(
                        "{} is UP, reason: {}. {} online. 0 sessions requeued, 0 total in queue.",
                        who,
                        b.reason(),
                        left);
            } else {
                LOG.warn(
                        "{} is DOWN, reason: {}. {} left.{} {} sessions active, 0 requeued, 0 remaining in queue.",
                        who,
                        b.reason(),
                        left,
                        onBackup,
                        activeSessions);
            }
        } else if (a.draining() != b.draining()) {
            LOG.warn("{} is {} drain mode. {} online.", who, b.draining() ? "entering" : "leaving", left);
        } else if (a.weight() != b.weight()) {
            LOG.info("{} weight changed from {} to {}.", who, a.weight(), b.weight());
        }

        if (!before.noServerAvailable() && snap.noServerAvailable()) {
            LOG.error("backend '{}' has no server available!", s.backendName());
        } else if (before.noServerAvailable() && !snap.noServerAvailable()) {
            LOG.warn("backend '{}' has a server available again.", s.backendName());
        }
    }
}
