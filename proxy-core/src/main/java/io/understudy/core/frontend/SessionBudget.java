package io.understudy.core.frontend;

import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How many sessions the process's file descriptors allow, HAProxy's global {@code maxconn} derived from {@code
 * ulimit-n}: each session takes two descriptors (client and server), and the checks, the writer lock, the admin and
 * metrics sockets, the peer link and the JVM itself need theirs. At that many sessions every frontend stops accepting
 * (new connections wait in the kernel's backlog, as at a frontend's own {@code maxconn}) and resumes when one ends, so
 * that a connect to a server never fails for want of a descriptor: such a failure would be this proxy's, yet look like
 * the server's. Shared by every {@link FrontendListener} of the process.
 */
public final class SessionBudget {
    private static final Logger LOG = LoggerFactory.getLogger(SessionBudget.class);
    /** Descriptors kept free beyond the counted needs: log rolls, a state-file write, the JDK's own. */
    static final int SLACK = 32;

    private final AtomicInteger open = new AtomicInteger();
    private final List<FrontendListener> listeners = new CopyOnWriteArrayList<>();
    private volatile int max = Integer.MAX_VALUE;
    /** What the file descriptors allow ({@link #measure}); {@link #max} is it, or less after {@code set maxconn global}. */
    private volatile int measured = Integer.MAX_VALUE;

    private volatile int limit;
    /** {@code set rate-limit connections global}: new connections per second, 0 for no limit. */
    private volatile int rateLimit;

    private final java.util.concurrent.atomic.AtomicLong rateWindowStart = new java.util.concurrent.atomic.AtomicLong();
    private final AtomicInteger rateCount = new AtomicInteger();
    private static final long SECOND_NANOS = 1_000_000_000L;
    /** The rate limit's clock: {@link System#nanoTime()}, or a test's. */
    private final java.util.function.LongSupplier clock;

    public SessionBudget() {
        this(System::nanoTime);
    }

    SessionBudget(java.util.function.LongSupplier clock) {
        this.clock = clock;
        rateWindowStart.set(clock.getAsLong() - SECOND_NANOS);
    }

    private final AtomicBoolean full = new AtomicBoolean();
    /** Log lines about the budget come at most this often. */
    private static final long LOG_INTERVAL_NANOS = java.util.concurrent.TimeUnit.SECONDS.toNanos(10);

    private final java.util.concurrent.atomic.AtomicLong lastLogNanos =
            new java.util.concurrent.atomic.AtomicLong(System.nanoTime() - LOG_INTERVAL_NANOS);
    private final AtomicBoolean pausedSinceResumed = new AtomicBoolean();
    private final AtomicInteger pauses = new AtomicInteger();

    /** Descriptors this process may open ({@code ulimit -n}) and has open now, when the JVM can tell. */
    public record Descriptors(long limit, long inUse) {
        public static OptionalLong limitNow() {
            return now().isPresent() ? OptionalLong.of(now().get().limit()) : OptionalLong.empty();
        }

        public static java.util.Optional<Descriptors> now() {
            if (ManagementFactory.getOperatingSystemMXBean()
                    instanceof com.sun.management.UnixOperatingSystemMXBean u) {
                return java.util.Optional.of(
                        new Descriptors(u.getMaxFileDescriptorCount(), u.getOpenFileDescriptorCount()));
            }
            return java.util.Optional.empty();
        }
    }

    /**
     * Sessions that fit: half of what is left of {@code fds.limit()} after those in use, {@code reserved} more and a
     * slack.
     */
    static long sessionsThatFit(Descriptors fds, long reserved) {
        return (fds.limit() - fds.inUse() - reserved - SLACK) / 2;
    }

    /**
     * Sets the budget from the descriptors at hand (call it once everything but the frontends is open).
     *
     * @param reserved descriptors other parts will open later: listeners, checks, locks, admin and metrics clients
     * @param wanted the frontends' {@code maxconn} summed: a smaller budget is worth a warning
     * @throws IllegalStateException when not one session fits
     */
    public void measure(Descriptors fds, long reserved, long wanted) {
        long fit = sessionsThatFit(fds, reserved);
        String how = "ulimit -n " + fds.limit() + ", " + fds.inUse() + " in use at start, " + reserved
                + " reserved for listeners, checks, locks, admin and metrics clients, " + SLACK + " spare";
        if (fit < 1) {
            throw new IllegalStateException("the file-descriptor limit leaves no room for a session (" + how
                    + "); raise it (ulimit -n, " + "LimitNOFILE= in the systemd unit)");
        }
        measured = (int) Math.min(Integer.MAX_VALUE, fit);
        max = limit > 0 ? Math.min(limit, measured) : measured;
        if (fit < wanted) {
            LOG.warn(
                    "the file-descriptor limit allows {} sessions at once, fewer than the frontends' maxconn ({}): "
                            + "beyond it, accepting pauses ({}; raise ulimit -n or LimitNOFILE= to allow more)",
                    fit,
                    wanted,
                    how);
        } else {
            LOG.info("file descriptors: room for {} sessions ({})", fit, how);
        }
    }

    /**
     * {@code set maxconn global} and {@code set rate-limit connections global}, from the control plane's events: the
     * budget becomes the smaller of {@code maxconn} (0: no limit of its own) and what the descriptors allow, and at
     * most {@code connRate} connections are accepted per second (0: any). Frontends re-check at once.
     */
    public void limits(int maxconn, int connRate) {
        limit = maxconn;
        max = maxconn > 0 ? Math.min(maxconn, measured) : measured;
        rateLimit = connRate;
        full.set(open.get() >= max);
        listeners.forEach(FrontendListener::recheck);
    }

    /** What the file descriptors allow, whatever {@code set maxconn global} says ({@link Integer#MAX_VALUE} before). */
    public int hardMax() {
        return measured;
    }

    /** {@code set maxconn global}, 0 for none. */
    public int limit() {
        return limit;
    }

    /** {@code set rate-limit connections global}, 0 for none. */
    public int rateLimit() {
        return rateLimit;
    }

    /** Whether the connection rate limit lets one more connection in during the current second. */
    boolean rateAllows() {
        int lim = rateLimit;
        if (lim <= 0) {
            return true;
        }
        long now = clock.getAsLong();
        return now - rateWindowStart.get() >= SECOND_NANOS || rateCount.get() < lim;
    }

    /** Counts an accepted connection against the rate limit; at the limit, every frontend pauses till the second ends. */
    private void countRate() {
        int lim = rateLimit;
        if (lim <= 0) {
            return;
        }
        long now = clock.getAsLong();
        long start = rateWindowStart.get();
        if (now - start >= SECOND_NANOS && rateWindowStart.compareAndSet(start, now)) {
            rateCount.set(0);
            start = now;
        }
        if (rateCount.incrementAndGet() >= lim) {
            long left = Math.max(1, SECOND_NANOS - (now - rateWindowStart.get()));
            listeners.forEach(l -> l.pauseForRate(left));
        }
    }

    /** Sessions allowed at once ({@link Integer#MAX_VALUE} until measured). */
    public int max() {
        return max;
    }

    /** Sessions (accepted connections) counted now. */
    public int open() {
        return open.get();
    }

    void register(FrontendListener listener) {
        listeners.add(listener);
    }

    /** One more accepted connection; at the budget, every frontend is asked to pause its accepting. */
    void take() {
        countRate();
        int n = open.incrementAndGet();
        if (n >= max) {
            pausedSinceResumed.set(true);
            if (full.compareAndSet(false, true)) {
                pauses.incrementAndGet();
                long now = System.nanoTime();
                long last = lastLogNanos.get();
                // At the limit with a backlog, every session that ends lets one more in and the budget fills again:
                // one line per interval, with how often it happened, not one per connection.
                if (now - last >= LOG_INTERVAL_NANOS && lastLogNanos.compareAndSet(last, now)) {
                    LOG.warn(
                            "{} sessions fill the file-descriptor budget: every frontend stops accepting until one "
                                    + "ends (new connections wait in the kernel's backlog); paused {} times since "
                                    + "the last such line",
                            n,
                            pauses.getAndSet(0));
                }
            }
            listeners.forEach(FrontendListener::pauseForBudget);
        }
    }

    /** A connection ended; below the budget, the frontends paused for it resume (each checks again on its loop). */
    void release() {
        int n = open.decrementAndGet();
        if (n < max) {
            full.set(false);
            // Said once the load has really dropped (a tenth below the budget), not at every session that ends.
            if (n < max - max / 10 && pausedSinceResumed.compareAndSet(true, false)) {
                LOG.info("below the file-descriptor budget again ({} sessions): accepting resumed", n);
            }
            listeners.forEach(FrontendListener::resumeIfRoom);
        }
    }

    /** Whether a new session would exceed the budget. */
    boolean spent() {
        return open.get() >= max;
    }
}
