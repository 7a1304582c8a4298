package io.understudy.core.session;

import io.understudy.core.config.FailoverPolicy;
import io.understudy.core.model.Backend;
import io.understudy.core.model.ControlObserver;
import io.understudy.core.model.ModelEvent;
import io.understudy.core.model.ModelEvent.ServerChanged;
import io.understudy.core.model.ModelEvent.TrafficMoved;
import io.understudy.core.model.Server;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Closes sessions when a server loses its role, so that no client keeps writing to a server that is no longer the
 * writer: HAProxy's {@code on-marked-down shutdown-sessions} (the server was marked down by health checks or live
 * traffic) and {@code on-marked-up shutdown-backup-sessions} (traffic went back from backups to an active server). An
 * operator's maintenance does not close sessions, as in HAProxy; {@code shutdown sessions server} does that explicitly.
 * An observer of the model: it reads events and closes sessions, and never changes the model.
 */
public final class SessionShutdownPolicy implements ControlObserver {
    private static final Logger LOG = LoggerFactory.getLogger("understudy.state");

    private final Map<String, FailoverPolicy> policies = new HashMap<>();
    private final SessionRegistry sessions;

    public SessionShutdownPolicy(List<Backend> backends, SessionRegistry sessions) {
        backends.forEach(b -> policies.put(b.name(), b.config().failover()));
        this.sessions = sessions;
    }

    @Override
    public void onEvent(ModelEvent event) {
        if (event instanceof ServerChanged s
                && s.markedDown()
                && policy(s.server()).shutdownSessionsOnDown()) {
            int n = sessions.closeByServer(s.server(), TerminationCause.SERVER_MARKED_DOWN);
            if (n > 0) {
                LOG.warn(
                        "{}: closed {} sessions of a server marked DOWN (on-marked-down shutdown-sessions)",
                        s.server(),
                        n);
            }
        } else if (event instanceof TrafficMoved t
                && t.returnedToActive()
                && t.backend().config().failover().shutdownBackupSessionsOnUp()) {
            for (Server s : t.backend().servers()) {
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

    private FailoverPolicy policy(Server s) {
        return policies.getOrDefault(s.backendName(), FailoverPolicy.defaults());
    }
}
