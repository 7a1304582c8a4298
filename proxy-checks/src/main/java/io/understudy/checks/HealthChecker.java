package io.understudy.checks;

import io.understudy.core.model.Backend;
import io.understudy.core.model.ControlObserver;
import io.understudy.core.model.ControlPlane;
import io.understudy.core.model.ModelEvent;
import io.understudy.core.model.ModelEvent.ServerChanged;
import io.understudy.core.model.Origin;
import io.understudy.core.model.Server;
import io.understudy.core.model.ServerState;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the health checks of every checked server and submits their results to the control plane. Also watches the
 * model's events: a server that live traffic could not reach, that left maintenance or whose checks were turned back on
 * is checked at once (so a dead primary is usually marked down by the first client that finds it). It never changes
 * the model but by submitting a check's outcome.
 */
public final class HealthChecker implements ControlObserver, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(HealthChecker.class);

    private final ControlPlane control;
    /** Replaced on the control plane's thread when a server's check target changes; read from anywhere. */
    private final Map<Server, ServerChecker> checkers = new ConcurrentHashMap<>();

    private final CheckFactory factory;

    /** Whether {@link #start()} ran: checkers made before it wait for it. Guarded by this. */
    private boolean started;

    private final List<CheckListener> listeners = new CopyOnWriteArrayList<>();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "understudy-check-timer");
        t.setDaemon(true);
        return t;
    });

    public HealthChecker(ControlPlane control, CheckFactory factory) {
        this.control = control;
        this.factory = factory;
        for (Backend b : control.backends()) {
            for (Server s : b.servers()) {
                if (s.config().check().enabled()) {
                    checkers.put(s, new ServerChecker(s, factory.create(s), control, timer, listeners));
                }
            }
        }
        // From now on, not from start(): a state file restored before start() changes servers and addresses.
        control.addObserver(this);
    }

    /**
     * Schedules the first checks, of the servers as they are now: what the state file restored since construction
     * (addresses, check ports, servers added or deleted at runtime) was followed through the model's events.
     */
    public synchronized void start() {
        started = true;
        checkers.values().forEach(ServerChecker::start);
        if (!checkers.isEmpty()) {
            LOG.info("health checks started for {} servers", checkers.size());
        }
    }

    /** Adds a listener told about every active check that completes from now on. */
    public void addListener(CheckListener listener) {
        listeners.add(listener);
    }

    /** The check state of a server, or empty when it is not checked ({@code no check}). */
    public Optional<CheckSnapshot> snapshot(Server server) {
        return snapshot(server, server.state());
    }

    /** The check state of a server as of {@code state}, read once by a caller that renders both together. */
    public Optional<CheckSnapshot> snapshot(Server server, ServerState state) {
        ServerChecker c = checkers.get(server);
        return c == null ? Optional.empty() : Optional.of(c.snapshot(state));
    }

    /** Control plane's thread: re-checks at once the servers whose health an event put in doubt. */
    @Override
    public synchronized void onEvent(ModelEvent event) {
        if (event instanceof ModelEvent.ServerAdded a
                && a.server().config().check().enabled()) {
            ServerChecker fresh = new ServerChecker(a.server(), factory.create(a.server()), control, timer, listeners);
            checkers.put(a.server(), fresh);
            if (started) {
                fresh.start();
            }
            return;
        }
        if (event instanceof ModelEvent.ServerReconfigured r && r.checkChanged()) {
            // A reload changed the check: the old checker goes, and one with the new settings starts, if any.
            ServerChecker gone = checkers.remove(r.server());
            if (gone != null) {
                gone.stop();
            }
            if (r.after().check().enabled()) {
                ServerChecker fresh =
                        new ServerChecker(r.server(), factory.create(r.server()), control, timer, listeners);
                checkers.put(r.server(), fresh);
                if (started) {
                    fresh.start();
                }
            }
            return;
        }
        if (event instanceof ModelEvent.ServerRemoved r) {
            ServerChecker gone = checkers.remove(r.server());
            if (gone != null) {
                gone.stop();
            }
            return;
        }
        if (!(event instanceof ServerChanged s)) {
            return;
        }
        ServerChecker c = checkers.get(s.server());
        if (c == null) {
            return;
        }
        if (s.checkTargetChanged()) {
            // set server addr / check-port: a check already built knows only the old address; the next ones go to the
            // new one, starting at once.
            ServerChecker fresh = new ServerChecker(s.server(), factory.create(s.server()), control, timer, listeners);
            checkers.put(s.server(), fresh);
            c.stop();
            if (started) {
                fresh.start();
            }
            LOG.info("{}: checks now go to {}", s.server(), s.server().checkAddress());
            return;
        }
        boolean checksBackOn =
                !s.before().check().enabled() && s.after().check().enabled();
        // Live errors below error-limit only count; the one that acts asks for a check at once.
        boolean liveErrorActed = s.origin() == Origin.TRAFFIC
                && !s.before().check().passiveCounted()
                && s.after().check().passiveCounted();
        if (started && (liveErrorActed || s.leftMaintenance() || checksBackOn)) {
            c.checkNow();
        }
    }

    @Override
    public void close() {
        checkers.values().forEach(ServerChecker::stop);
        timer.shutdown();
        try {
            if (!timer.awaitTermination(5, TimeUnit.SECONDS)) {
                timer.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            timer.shutdownNow();
        }
    }
}
