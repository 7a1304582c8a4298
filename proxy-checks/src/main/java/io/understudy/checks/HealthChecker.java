package io.understudy.checks;

import io.understudy.core.backend.ConnectFailure;
import io.understudy.core.model.Backend;
import io.understudy.core.model.ControlObserver;
import io.understudy.core.model.ControlPlane;
import io.understudy.core.model.Server;
import io.understudy.core.model.ServerTransition;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the health checks of every checked server and feeds their results to the control plane. Also listens to the
 * control plane: live-traffic connect failures count as failed checks and trigger an immediate re-check (so a dead
 * primary is usually marked down by the first client that finds it), and a server leaving maintenance is checked at
 * once.
 */
public final class HealthChecker implements ControlObserver, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(HealthChecker.class);

    private final ControlPlane control;
    private final Map<Server, ServerChecker> checkers = new LinkedHashMap<>();
    private final java.util.List<CheckListener> listeners = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "understudy-check-timer");
        t.setDaemon(true);
        return t;
    });

    public HealthChecker(ControlPlane control, CheckFactory factory) {
        this.control = control;
        for (Backend b : control.backends()) {
            for (Server s : b.servers()) {
                if (s.config().check().enabled()) {
                    checkers.put(s, new ServerChecker(s, factory.create(s), control, timer, listeners));
                }
            }
        }
    }

    /**
     * Publishes initial states and schedules the first checks; returns once initial states are published, so that a
     * server configured to start down is down before any frontend binds.
     */
    public void start() {
        control.addObserver(this);
        control.submit(() -> checkers.values().forEach(ServerChecker::start)).join();
        // Let the initial state changes queued by start() go through before returning.
        control.submit(() -> {}).join();
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
        ServerChecker c = checkers.get(server);
        return c == null ? Optional.empty() : Optional.of(c.snapshot());
    }

    /** Suspends or resumes the checks of a server ({@code disable health} / {@code enable health}). */
    public boolean pause(Server server, boolean paused) {
        ServerChecker c = checkers.get(server);
        if (c == null) {
            return false;
        }
        control.submit(() -> c.pause(paused)).join();
        return true;
    }

    @Override
    public void onConnectFailure(Server server, ConnectFailure failure) {
        ServerChecker c = checkers.get(server);
        if (c != null) {
            c.passiveFailure(failure);
        }
    }

    @Override
    public void onTransition(ServerTransition t) {
        ServerChecker c = checkers.get(t.server());
        if (c != null && t.before().inMaintenance() && !t.after().inMaintenance()) {
            c.leftMaintenance();
        }
    }

    @Override
    public void close() {
        control.submit(() -> checkers.values().forEach(ServerChecker::stop)).join();
        timer.shutdownNow();
        try {
            timer.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
