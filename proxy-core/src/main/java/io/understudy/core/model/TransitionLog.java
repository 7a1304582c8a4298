package io.understudy.core.model;

import io.understudy.core.model.ModelEvent.ServerChanged;
import io.understudy.core.model.ModelEvent.TrafficMoved;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs every commit: the HAProxy sentences for server and backend changes on {@code understudy.state}, so that
 * existing log alerts keep matching (worded as HAProxy 2.6.12 words them, checked against its logs), and every event's {@code show events} line at INFO on {@code understudy.events}.
 */
final class TransitionLog {
    private static final Logger LOG = LoggerFactory.getLogger("understudy.state");
    private static final Logger EVENTS = LoggerFactory.getLogger("understudy.events");

    private final ControlPlane.SessionCount sessionCount;

    TransitionLog(ControlPlane.SessionCount sessionCount) {
        this.sessionCount = sessionCount;
    }

    void log(ModelEvent e) {
        EVENTS.info("{}", e.line());
        if (e instanceof ServerChanged s) {
            server(s);
        } else if (e instanceof TrafficMoved t) {
            traffic(t);
        }
    }

    private void server(ServerChanged t) {
        ServerState a = t.before();
        ServerState b = t.after();
        Server s = t.server();
        String who = (s.isBackup() ? "Backup Server " : "Server ") + s.id();
        BackendSnapshot snap = t.backendAfter();
        String left = snap.activeUsable().size() + " active and "
                + snap.backupUsable().size() + " backup servers";
        String onBackup = snap.runningOnBackup() ? " Running on backup." : "";
        if (!a.inMaintenance() && b.inMaintenance()) {
            LOG.warn(
                    "{} is going DOWN for maintenance. {} left.{} {} sessions active, 0 requeued, 0 remaining in queue.",
                    who,
                    left,
                    onBackup,
                    sessionCount.of(s));
        } else if (a.inMaintenance() && !b.inMaintenance()) {
            // HAProxy 2.6 says no more than this when a server leaves maintenance.
            LOG.warn(
                    "{} is {} (leaving {}maintenance).",
                    who,
                    b.op() == OpState.STOPPED ? "DOWN" : "UP/READY",
                    a.admin().contains(AdminFlag.FMAINT) ? "forced " : "");
        } else if (a.op() != b.op() && !b.inMaintenance()) {
            if (b.op().takesTraffic()) {
                LOG.warn(
                        "{} is UP, reason: {}. {} online. 0 sessions requeued, 0 total in queue.",
                        who,
                        b.reason().text(),
                        left);
            } else {
                LOG.warn(
                        "{} is DOWN, reason: {}. {} left.{} {} sessions active, 0 requeued, 0 remaining in queue.",
                        who,
                        b.reason().text(),
                        left,
                        onBackup,
                        sessionCount.of(s));
            }
        } else if (a.draining() != b.draining()) {
            if (b.draining()) {
                LOG.warn(
                        "{} enters drain state. {} online.{} 0 sessions requeued, 0 total in queue.",
                        who,
                        left,
                        onBackup);
            } else {
                LOG.warn("{} is {} (leaving forced drain).", who, b.op() == OpState.STOPPED ? "DOWN" : "UP");
            }
        } else if (a.weight() != b.weight()) {
            LOG.info("{} weight changed from {} to {}.", who, a.weight(), b.weight());
        }
        if (t.origin() == Origin.DNS
                && !a.settings().address().equals(b.settings().address())) {
            // HAProxy's words (srv_update_addr), so that log alerts written for HAProxy match.
            LOG.warn(
                    "{} changed its IP from {} to {} by DNS cache.",
                    s.id(),
                    a.settings().address().ip(),
                    b.settings().address().ip());
        } else if (!a.settings().equals(b.settings())) {
            LOG.warn(
                    "{} {} by {}.",
                    who,
                    b.settings().changesFrom(a.settings()),
                    t.origin().label());
        }
    }

    private static void traffic(TrafficMoved t) {
        BackendSnapshot before = t.before();
        BackendSnapshot after = t.after();
        if (!before.noServerAvailable() && after.noServerAvailable()) {
            LOG.error("backend '{}' has no server available!", t.backend().name());
        } else if (before.noServerAvailable() && !after.noServerAvailable()) {
            LOG.warn("backend '{}' has a server available again.", t.backend().name());
        }
        if (!after.targets().isEmpty()) {
            LOG.warn(
                    "backend '{}': traffic moved to {} ({}).",
                    t.backend().name(),
                    after.first().map(Server::id).orElse("no server"),
                    t.reason().text());
        }
    }
}
