package io.understudy.checks.fence;

import io.understudy.core.model.Backend;
import io.understudy.core.model.ControlPlane;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fences the pair's writer on the database, for every writer-role backend: the deciding proxy holds a named lock on
 * the server its writes go to, and a claim on every server it can reach; a proxy that sees the lock held on a server
 * by someone else routes there and nowhere else, and one that sees another's claim but no lock it can follow writes
 * nowhere. This is what keeps two proxies that both believe they decide (a partition that left both holding the
 * virtual IP) on one server, also when one of them cannot reach the other's writer. Runs every {@link #INTERVAL} on its own thread
 * ({@code understudy-fence}), with blocking JDBC and short timeouts; it changes the model only through {@link
 * ControlPlane#apply}. See docs/pair.md.
 */
public final class WriterFence implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(WriterFence.class);
    /**
     * How often each backend's lock is looked at: the bound on how long a proxy that does not hold the lock keeps
     * writing elsewhere after the holder moved (two queries per server per look; cheap for a MySQL server).
     */
    public static final Duration INTERVAL = Duration.ofMillis(100);
    /** Each lock query must answer within this; a frozen server must not stall the other backends for long. */
    static final Duration QUERY_TIMEOUT = Duration.ofMillis(500);

    private final List<BackendFence> fences = new ArrayList<>();
    private final ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "understudy-fence");
        t.setDaemon(true);
        return t;
    });

    /**
     * @param open ends this proxy's sessions on a server that is not the writer while the fence holds new ones back
     */
    public WriterFence(ControlPlane control, FencedSessions open) {
        for (Backend b : control.backends()) {
            // Only a writer-role backend has one writer to fence (balance first, or one active server and backups).
            if (b.snapshot().writer()) {
                fences.add(new BackendFence(b, control, QUERY_TIMEOUT, open));
            }
        }
    }

    public void start() {
        thread.scheduleWithFixedDelay(this::tick, 0, INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
        LOG.info(
                "writer lock: {}, checked every {} ms",
                fences.isEmpty()
                        ? "no writer-role backend"
                        : "understudy:<backend>:active and :claim on each writer-role backend",
                INTERVAL.toMillis());
    }

    private void tick() {
        for (BackendFence f : fences) {
            try {
                f.tick();
            } catch (RuntimeException e) {
                // An exception would end the periodic task: log it, look again at the next tick.
                LOG.warn("writer lock: backend check failed", e);
            }
        }
    }

    /** What {@code backend}'s fence last saw, if it has one (writer-role backends only). */
    public Optional<FenceView> view(String backend) {
        return views().stream().filter(v -> v.backend().equals(backend)).findFirst();
    }

    /** What each backend's fence last saw. */
    public List<FenceView> views() {
        return fences.stream().map(BackendFence::view).toList();
    }

    /** Stops, and frees every lock this proxy holds (closing the sessions frees them on the servers). */
    @Override
    public void close() {
        if (thread.isShutdown()) {
            return;
        }
        // Released on the fence thread itself, after any round in progress: its maps are that thread's alone.
        try {
            thread.submit(() -> fences.forEach(BackendFence::releaseAll)).get(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (java.util.concurrent.ExecutionException
                | java.util.concurrent.TimeoutException
                | java.util.concurrent.RejectedExecutionException e) {
            LOG.warn(
                    "writer lock: could not release the locks in time ({}); closing the process frees them",
                    e.toString());
        }
        thread.shutdownNow();
        try {
            thread.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
