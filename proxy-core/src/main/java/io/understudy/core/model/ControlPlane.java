package io.understudy.core.model;

import io.understudy.core.backend.ConnectFailure;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The single writer of server state. Every change (health checks, admin commands, imported state) is queued to one
 * thread, which computes the new {@link ServerState}, publishes it, republishes the backend's snapshot, logs the
 * transition and tells the observers. Readers never lock: they read the published immutable values.
 */
public final class ControlPlane implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ControlPlane.class);

    private final List<Backend> backends;
    private final ExecutorService writer;
    private final List<ControlObserver> observers = new CopyOnWriteArrayList<>();
    private final TransitionLog transitionLog = new TransitionLog();
    private final SessionCount sessionCount;

    /** How many sessions a server has, for the transition log; supplied by whoever owns the session registry. */
    @FunctionalInterface
    public interface SessionCount {
        int of(Server server);
    }

    public ControlPlane(List<Backend> backends, SessionCount sessionCount) {
        this.backends = List.copyOf(backends);
        this.sessionCount = sessionCount;
        this.writer = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "understudy-control");
            t.setDaemon(true);
            return t;
        });
    }

    public List<Backend> backends() {
        return backends;
    }

    public Optional<Backend> backend(String name) {
        return backends.stream().filter(b -> b.name().equals(name)).findFirst();
    }

    /** The server addressed {@code backend/server}. */
    public Optional<Server> server(String backendSlashServer) {
        int slash = backendSlashServer.indexOf('/');
        if (slash < 0) {
            return Optional.empty();
        }
        return backend(backendSlashServer.substring(0, slash))
                .flatMap(b -> b.server(backendSlashServer.substring(slash + 1)));
    }

    public void addObserver(ControlObserver observer) {
        observers.add(observer);
    }

    /** Sets the operational state (health checks call this). */
    public CompletableFuture<ServerTransition> setOperational(Server server, OpState op, String reason) {
        return change(server, st -> st.op() == op ? st : st.withOp(op, System.currentTimeMillis(), reason));
    }

    /** Sets or clears one admin flag (admin commands call this). */
    public CompletableFuture<ServerTransition> setAdminFlag(Server server, AdminFlag flag, boolean on, String reason) {
        return change(server, st -> {
            if (st.admin().contains(flag) == on) {
                return st;
            }
            Set<AdminFlag> next = st.admin().isEmpty() ? EnumSet.noneOf(AdminFlag.class) : EnumSet.copyOf(st.admin());
            if (on) {
                next.add(flag);
            } else {
                next.remove(flag);
            }
            return st.withAdmin(next, System.currentTimeMillis(), reason);
        });
    }

    /** Replaces the admin flags as a whole (leaving maintenance clears both FMAINT and CMAINT, as HAProxy does). */
    public CompletableFuture<ServerTransition> setAdminFlags(Server server, Set<AdminFlag> flags, String reason) {
        return change(
                server, st -> st.admin().equals(flags) ? st : st.withAdmin(flags, System.currentTimeMillis(), reason));
    }

    public CompletableFuture<ServerTransition> setWeight(Server server, int weight) {
        return change(server, st -> st.weight() == weight ? st : st.withWeight(weight));
    }

    /** Any change expressed as a function of the current state; runs on the writer thread. */
    public CompletableFuture<ServerTransition> change(Server server, UnaryOperator<ServerState> f) {
        return CompletableFuture.supplyAsync(() -> apply(server, f), writer);
    }

    /** Live traffic failed to connect to {@code server}; observers (the health checker) decide what it means. */
    public void reportConnectFailure(Server server, ConnectFailure reason) {
        writer.execute(() -> {
            for (ControlObserver o : observers) {
                try {
                    o.onConnectFailure(server, reason);
                } catch (RuntimeException e) {
                    LOG.warn("observer {} failed on connect failure of {}", o, server, e);
                }
            }
        });
    }

    /** Every server's current state, keyed {@code backend/server}, in configuration order. */
    public Map<String, ServerState> exportState() {
        Map<String, ServerState> out = new LinkedHashMap<>();
        for (Backend b : backends) {
            for (Server s : b.servers()) {
                out.put(s.id(), s.state());
            }
        }
        return out;
    }

    /** Runs {@code task} on the writer thread after every change queued before it. */
    public CompletableFuture<Void> submit(Runnable task) {
        return CompletableFuture.runAsync(task, writer);
    }

    private ServerTransition apply(Server server, UnaryOperator<ServerState> f) {
        Backend backend = backend(server.backendName()).orElseThrow();
        ServerState before = server.state();
        ServerState after = f.apply(before);
        if (after.equals(before)) {
            return new ServerTransition(
                    server, before, before, backend.snapshot(), backend.snapshot(), System.nanoTime());
        }
        BackendSnapshot snapBefore = backend.snapshot();
        server.publish(after);
        BackendSnapshot snapAfter = backend.republish(System.currentTimeMillis());
        ServerTransition t = new ServerTransition(server, before, after, snapBefore, snapAfter, System.nanoTime());
        transitionLog.log(t, snapBefore, sessionCount.of(server));
        notifyObservers(t);
        return t;
    }

    /**
     * Moves the traffic of a backend: {@code target} present pins it to that server (which must be usable), empty
     * clears the pin so the normal order (active servers first) applies again. The operation behind manual failback.
     * Completes with the new snapshot, or exceptionally with {@link IllegalArgumentException} when the target is not
     * usable.
     */
    public CompletableFuture<BackendSnapshot> moveTraffic(Backend backend, Optional<Server> target, String reason) {
        return CompletableFuture.supplyAsync(
                () -> {
                    target.ifPresent(s -> {
                        if (!s.state().usable()) {
                            throw new IllegalArgumentException(s.id() + " is not usable");
                        }
                    });
                    BackendSnapshot before = backend.snapshot();
                    BackendSnapshot after = backend.republish(System.currentTimeMillis(), target);
                    LOG.warn(
                            "backend '{}': traffic moved to {} ({}).",
                            backend.name(),
                            after.first(backend.config().allBackups())
                                    .map(Server::id)
                                    .orElse("no server"),
                            reason);
                    Server subject = target.orElseGet(
                            () -> after.first(false).orElse(backend.servers().get(0)));
                    notifyObservers(new ServerTransition(
                            subject, subject.state(), subject.state(), before, after, System.nanoTime()));
                    return after;
                },
                writer);
    }

    private void notifyObservers(ServerTransition t) {
        for (ControlObserver o : observers) {
            try {
                o.onTransition(t);
            } catch (RuntimeException e) {
                LOG.warn("observer {} failed on transition of {}", o, t.server(), e);
            }
        }
    }

    @Override
    public void close() {
        writer.shutdown();
        try {
            if (!writer.awaitTermination(5, TimeUnit.SECONDS)) {
                writer.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            writer.shutdownNow();
        }
    }
}
