package io.understudy.core.session;

import io.understudy.core.config.LogFormat;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes session lines on a thread of its own, so that an event loop never waits on an appender (a slow console, a
 * full pipe). The hand-off is bounded: when {@value #CAPACITY} lines are waiting, a further line is dropped rather
 * than stall the relay; every drop is counted ({@link #dropped()}) and reported in a WARN line on this class's logger.
 */
public final class SessionLogWriter implements Consumer<SessionEnd>, AutoCloseable {
    /** About a minute of lines at 1,000 sessions per second; a few MB of heap at most. */
    static final int CAPACITY = 65_536;

    private static final Logger LOG = LoggerFactory.getLogger(SessionLogWriter.class);
    private static final long POLL_MILLIS = 200;

    private final LogFormat format;
    private final BlockingQueue<SessionEnd> queue;
    private final LongAdder dropped = new LongAdder();
    private final Thread thread;
    private volatile boolean closing;
    /** Writer thread only. */
    private long reportedDrops;

    public SessionLogWriter(LogFormat format) {
        this(format, CAPACITY);
    }

    SessionLogWriter(LogFormat format, int capacity) {
        this.format = format;
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.thread = new Thread(this::run, "understudy-session-log");
        thread.setDaemon(true);
    }

    /** Starts the writer thread; once. */
    public synchronized void start() {
        if (thread.getState() == Thread.State.NEW) {
            thread.start();
        }
    }

    /** Queues a line; never blocks. Any thread. */
    @Override
    public void accept(SessionEnd e) {
        if (!queue.offer(e)) {
            dropped.increment();
        }
    }

    /** Lines dropped since start because the queue was full. */
    public long dropped() {
        return dropped.sum();
    }

    private void run() {
        try {
            while (true) {
                SessionEnd e = queue.poll(POLL_MILLIS, TimeUnit.MILLISECONDS);
                if (e != null) {
                    SessionLog.LOG.info("{}", TcpLogLine.format(e, format));
                } else if (closing) {
                    break;
                }
                reportDrops();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        reportDrops();
    }

    /** When drops were last reported (nanoTime): at most once a second, so that the warning never adds to a flood. */
    private long lastDropReport = System.nanoTime() - java.util.concurrent.TimeUnit.SECONDS.toNanos(1);

    private void reportDrops() {
        long d = dropped.sum();
        long now = System.nanoTime();
        if (d > reportedDrops
                && (closing || now - lastDropReport >= java.util.concurrent.TimeUnit.SECONDS.toNanos(1))) {
            lastDropReport = now;
            LOG.warn(
                    "{} session log lines dropped ({} in all): {} lines were waiting to be written",
                    d - reportedDrops,
                    d,
                    CAPACITY);
            reportedDrops = d;
        }
    }

    /** Writes what is queued, then stops the thread; waits for it a few seconds at most. Not on an event loop. */
    @Override
    public void close() {
        closing = true;
        if (!thread.isAlive()) {
            return;
        }
        try {
            thread.join(TimeUnit.SECONDS.toMillis(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
