package io.understudy.core.session;

import io.understudy.core.config.FailoverPolicy;
import io.understudy.core.model.Backend;
import io.understudy.core.model.BackendSnapshot;
import io.understudy.core.model.ControlObserver;
import io.understudy.core.model.ModelEvent;
import io.understudy.core.model.ModelEvent.ServerChanged;
import io.understudy.core.model.ModelEvent.TrafficMoved;
import io.understudy.core.model.Server;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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

    /** Read at each event: a reload may change a backend's policy. */
    private final Map<String, Backend> backends = new HashMap<>();

    private final SessionRegistry sessions;

    public SessionShutdownPolicy(List<Backend> backends, SessionRegistry sessions) {
        backends.forEach(b -> this.backends.put(b.name(), b));
        this.sessions = sessions;
    }

    @Override
    public void onEvent(ModelEvent event) {
        if (event instanceof TrafficMoved t && t.after().writer()) {
            writerMoved(t);
        } else if (event instanceof ModelEvent.ServerRemoved r) {
            // del server refuses a server with sessions; an import (the peer deleted it) does not ask.
            int n = sessions.closeByServer(r.server(), TerminationCause.KILLED_BY_ADMIN);
            if (n > 0) {
                LOG.warn("{}: closed {} sessions of a deleted server", r.server(), n);
            }
        } else if (event instanceof ServerChanged s
                && s.backendAfter().writer()
                && !s.before()
                        .settings()
                        .address()
                        .toString()
                        .equals(s.after().settings().address().toString())) {
            // set server addr on a writer-role backend: the old address is another MySQL server, so its sessions
            // must not go on writing there while new sessions write to the new one.
            int n = sessions.closeByServerNotAt(s.server(), s.server().address(), TerminationCause.KILLED_BY_ADMIN);
            if (n > 0) {
                LOG.warn(
                        "{}: closed {} sessions still on its old address (writer role: one server at a time)",
                        s.server(),
                        n);
            }
        } else if (event instanceof ServerChanged s
                && s.markedDown()
                && policy(s.server()).shutdownSessionsOnDown()
                && !wasWriter(s)) {
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

    /** The writer itself marked down: the traffic move that follows in the same commit drains it. */
    private static boolean wasWriter(ServerChanged s) {
        return s.backendBefore().writer()
                && s.backendBefore().first().filter(s.server()::equals).isPresent();
    }

    /**
     * A writer-role backend's traffic moved from one server to another: the old writer's sessions end at their next
     * rest, and at {@code timeout drain} at the latest, while new sessions wait in the queue (see {@code
     * BackendSnapshot#draining}). The sessions left at the timeout are closed whatever the cause of the move, unless
     * the policy keeps them ({@code on-marked-down none} for a server marked down, {@code on-marked-up none} for a
     * failback): two writers at once is what this role exists to prevent.
     */
    private void writerMoved(TrafficMoved t) {
        Optional<Server> from = t.before().first();
        if (from.isEmpty() || from.equals(t.after().first())) {
            return;
        }
        Server old = from.get();
        FailoverPolicy policy = t.backend().config().failover();
        if (t.after().first().isEmpty()) {
            // No server left to move to: nothing waits for a drain, so HAProxy's rule applies as it is.
            if (!old.state().op().takesTraffic() && policy.shutdownSessionsOnDown()) {
                int n = sessions.closeByServer(old, TerminationCause.SERVER_MARKED_DOWN);
                if (n > 0) {
                    LOG.warn(
                            "{}: closed {} sessions of a server marked DOWN (on-marked-down shutdown-sessions)",
                            old,
                            n);
                }
            }
            return;
        }
        Optional<TerminationCause> why = drainCause(old, policy, t.returnedToActive());
        if (why.isEmpty()) {
            LOG.warn(
                    "{}: traffic moved to {}; its sessions are kept by the failover policy (new sessions wait up to"
                            + " timeout drain {}ms for them)",
                    old,
                    t.after().first().get(),
                    policy.drainTimeout().toMillis());
            return;
        }
        int n = sessions.drainByServer(
                old, why.get(), t.after().drainUntilNanos(), true, why.get() == TerminationCause.SERVER_MARKED_DOWN);
        if (n > 0) {
            LOG.warn(
                    "{}: traffic moved to {}; draining {} sessions of the old writer (at rest now, the rest within"
                            + " timeout drain {}ms)",
                    old,
                    t.after().first().get(),
                    n,
                    policy.drainTimeout().toMillis());
        }
    }

    /**
     * Why the sessions of {@code old} end now that traffic moved away from it, or empty when the policy keeps them
     * ({@code on-marked-down none} for a server marked down, {@code on-marked-up none} for a failback). Any other move
     * (an operator's, maintenance) ends them: two writers at once is what this role exists to prevent.
     */
    private static Optional<TerminationCause> drainCause(Server old, FailoverPolicy policy, boolean failback) {
        if (!old.state().op().takesTraffic()) {
            return policy.shutdownSessionsOnDown()
                    ? Optional.of(TerminationCause.SERVER_MARKED_DOWN)
                    : Optional.empty();
        }
        if (failback) {
            return policy.shutdownBackupSessionsOnUp()
                    ? Optional.of(TerminationCause.BACKUP_YIELDED)
                    : Optional.empty();
        }
        return Optional.of(TerminationCause.KILLED_BY_ADMIN);
    }

    /**
     * A session that got its server connection just as traffic moved away from that server, after the move's sweep
     * looked at the server's sessions: it is drained the same way, so that the new writer does not wait for it and two
     * writers never run at once. The frontend calls it once the session is relayed; event loop of the session.
     */
    public static void drainIfMovedAway(ProxySession session, Backend backend, Server server) {
        BackendSnapshot now = backend.snapshot();
        if (now.writer() && !session.connectedTo(server.address())) {
            // Connected to the address the server had before a set server addr whose sweep came too early for it.
            session.terminate(TerminationCause.KILLED_BY_ADMIN, false);
            return;
        }
        if (!now.writer() || now.first().isEmpty() || now.first().get() == server) {
            return;
        }
        boolean failback = server.isBackup() && !now.runningOnBackup();
        drainCause(server, backend.config().failover(), failback)
                .ifPresent(why -> session.drain(
                        why,
                        Math.max(now.drainUntilNanos(), System.nanoTime()),
                        true,
                        why == TerminationCause.SERVER_MARKED_DOWN));
    }

    private FailoverPolicy policy(Server s) {
        Backend b = backends.get(s.backendName());
        return b == null ? FailoverPolicy.defaults() : b.config().failover();
    }
}
