package io.understudy.checks.sql;

import java.io.Closeable;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The bounded thread pool that every {@link SqlCheck} of a process blocks on while it talks JDBC, so that no check
 * ever runs on a Netty event loop and a crowd of hung servers cannot pile up work without limit.
 *
 * <p>Threads are started on demand up to {@code maxThreads} before anything is queued (core size = maximum size, and
 * idle core threads time out). A pool with a few core threads in front of a queue would instead let the checks of
 * healthy servers wait behind checks that hang on a frozen one until their timeouts fire. Once every thread is busy,
 * up to {@code queueCapacity} checks wait; the one after that is refused, and {@link SqlCheck} turns the refusal into
 * an immediate {@code SOCKERR} result rather than queueing it. Threads are daemons named
 * {@code understudy-sqlcheck-N}.
 */
public final class SqlCheckExecutor implements Closeable {
    public static final int DEFAULT_MAX_THREADS = 8;
    public static final int DEFAULT_QUEUE_CAPACITY = 16;

    /** Long enough that threads survive between checks at the usual intervals of a few seconds. */
    private static final long IDLE_SECONDS = 60;

    private final ThreadPoolExecutor pool;

    /** A pool of {@value #DEFAULT_MAX_THREADS} threads and {@value #DEFAULT_QUEUE_CAPACITY} queued checks. */
    public SqlCheckExecutor() {
        this(DEFAULT_MAX_THREADS, DEFAULT_QUEUE_CAPACITY);
    }

    /**
     * @param maxThreads at most this many checks run at once (at least 1)
     * @param queueCapacity at most this many more wait for a thread; 0 refuses a check as soon as all threads are busy
     */
    public SqlCheckExecutor(int maxThreads, int queueCapacity) {
        if (maxThreads < 1 || queueCapacity < 0) {
            throw new IllegalArgumentException(
                    "maxThreads must be >= 1 and queueCapacity >= 0, got " + maxThreads + " and " + queueCapacity);
        }
        BlockingQueue<Runnable> queue =
                queueCapacity == 0 ? new SynchronousQueue<>() : new ArrayBlockingQueue<>(queueCapacity);
        pool = new ThreadPoolExecutor(
                maxThreads,
                maxThreads,
                IDLE_SECONDS,
                TimeUnit.SECONDS,
                queue,
                new NamedDaemonThreads(),
                new ThreadPoolExecutor.AbortPolicy());
        pool.allowCoreThreadTimeOut(true);
    }

    /**
     * Runs {@code task} on a pool thread.
     *
     * @throws RejectedExecutionException if every thread is busy and the queue is full, or the pool is closed
     */
    void execute(Runnable task) {
        pool.execute(task);
    }

    public boolean isClosed() {
        return pool.isShutdown();
    }

    /** How many threads are running a check right now (approximate, as {@link ThreadPoolExecutor} counts). */
    public int busyThreads() {
        return pool.getActiveCount();
    }

    /**
     * Refuses new checks and interrupts running ones. Checks still queued are dropped; their results come from the
     * timeout guard of {@link SqlCheck#run()}, so every returned stage still completes.
     */
    @Override
    public void close() {
        pool.shutdownNow();
    }

    private static final class NamedDaemonThreads implements ThreadFactory {
        private final AtomicInteger sequence = new AtomicInteger();

        @Override
        public Thread newThread(Runnable r) {
            Thread t = new Thread(r, "understudy-sqlcheck-" + sequence.incrementAndGet());
            // Checks must never keep the JVM alive during shutdown.
            t.setDaemon(true);
            return t;
        }
    }
}
