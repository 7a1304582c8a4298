package io.understudy.core.session;

import io.understudy.core.config.FailoverPolicy;
import io.understudy.core.model.Backend;
import io.understudy.core.model.ControlObserver;
import io.understudy.core.model.ControlPlane;
import io.understudy.core.model.Server;
import io.understudy.core.model.ServerTransition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Closes sessions when a server loses its role, so that no client keeps writing to a server that is no longer the
 * writer: HAProxy's {@code on-marked-down shutdown-sessions} (the server was marked down by health checks) and
 * {@code on-marked-up shutdown-backup-sessions} (traffic went back from backups to an active server). An operator's
 * maintenance does not close sessions, as in HAProxy; {@code shutdown sessions server} does that explicitly.
 */
public final class SessionShutdownPolicy implements ControlObserver {
    private static final Logger LOG = LoggerFactory.getLogger("understudy.state");

    private final ControlPlane control;
    private final SessionRegistry sessions;

    public SessionShutdownPolicy(ControlPlane control, SessionRegistry sessions) {
        this.control = control;
        this.sessions = sessions;
    }

    @Override
    public void onTransition(ServerTransition t) {
        Backend backend = control.backend(t.server().backendName()).orElseThrow();
        FailoverPolicy policy = backend.config().failover();
        if (policy.shutdownSessionsOnDown() && t.markedDown()) {
            int n = sessions.closeByServer(t.server(), TerminationCause.SERVER_MARKED_DOWN);
            if (n > 0) {
                LOG.warn(
                        "{}: closed {} sessions of a server marked DOWN (on-marked-down shutdown-sessions)",
                        t.server(),
                        n);
            }
        }
        if (policy.shutdownBackupSessionsOnUp() && t.trafficReturnedToActive()) {
            for (Server s : backend.servers()) {
                if (s.isBackup()) {
                    int n = sessions.closeByServer(s, TerminationCause.BACKUP_YIELDED);
                    if (n > 0) {
                        LOG.warn(
                                "{}: closed {} sessions of a backup now that traffic is back on an active server"
                                        + " (on-marked-up shutdown-backup-sessions)",
                                s,
                                n);
                    }
                }
            }
        }
    }
}
