package io.understudy.core.counter;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * The session and byte counters HAProxy keeps for each frontend, backend and server ({@code scur}, {@code smax},
 * {@code stot}, {@code bin}, {@code bout}, {@code econ}, {@code wretr}, {@code wredis}, {@code lbtot}, {@code lastsess},
 * {@code ctime}, {@code ttime}, {@code rate}, {@code connect}, {@code cli_abrt}, {@code srv_abrt}, {@code eresp},
 * {@code eint}, {@code need_conn_est}). Written from any event loop; reads never block writers.
 */
public final class TrafficCounters {
    private final AtomicLong currentSessions = new AtomicLong();
    private final AtomicLong maxSessions = new AtomicLong();
    private final LongAdder totalSessions = new LongAdder();
    private final LongAdder bytesIn = new LongAdder();
    private final LongAdder bytesOut = new LongAdder();
    private final LongAdder connectErrors = new LongAdder();
    private final LongAdder retries = new LongAdder();
    private final LongAdder redispatches = new LongAdder();
    private final LongAdder selected = new LongAdder();
    private final LongAdder connectAttempts = new LongAdder();
    private final LongAdder clientAborts = new LongAdder();
    private final LongAdder serverAborts = new LongAdder();
    private final LongAdder responseErrors = new LongAdder();
    private final LongAdder internalErrors = new LongAdder();
    private final LongAdder requestErrors = new LongAdder();
    private final AtomicLong checkConnections = new AtomicLong();
    private final AtomicLong maxUsedConnections = new AtomicLong();
    private final SlidingAverage connectTimeMillis = new SlidingAverage();
    private final SlidingAverage queueTimeMillis = new SlidingAverage();
    private final SlidingAverage totalTimeMillis = new SlidingAverage();
    private final RateCounter sessionRate = new RateCounter();
    private volatile long lastSessionMillis = -1;

    /** A session starts on this object (a frontend or a backend): {@link #sessionAssigned} and counted current. */
    public void sessionOpened(long nowMillis) {
        sessionAssigned(nowMillis);
        current();
    }

    /**
     * A session was sent to this server, once per connection attempt as HAProxy counts a server's sessions
     * ({@code stot}, {@code rate}, {@code lastsess}): a connect retried on the same server counts twice.
     */
    public void sessionAssigned(long nowMillis) {
        totalSessions.increment();
        sessionRate.increment();
        lastSessionMillis = nowMillis;
    }

    /** A session holds a connection to this server now ({@code scur}, {@code smax}); {@link #sessionClosed} ends it. */
    public void sessionEstablished() {
        long cur = current();
        // Servers only: frontends and backends have no need_conn_est, so their sessions skip this.
        maxUsedConnections.accumulateAndGet(cur + checkConnections.get(), Math::max);
    }

    /** One more current session ({@code scur}, {@code smax}); returns the new count. */
    private long current() {
        long cur = currentSessions.incrementAndGet();
        maxSessions.accumulateAndGet(cur, Math::max);
        return cur;
    }

    /** A session that {@link #sessionOpened} or {@link #sessionEstablished} counted has ended after {@code totalMillis}. */
    public void sessionClosed(long totalMillis) {
        currentSessions.decrementAndGet();
        totalTimeMillis.add(totalMillis);
    }

    public void addBytesIn(long n) {
        bytesIn.add(n);
    }

    public void addBytesOut(long n) {
        bytesOut.add(n);
    }

    /**
     * A session gave up connecting ({@code econ}): counted once per session, on the server tried last and the backend,
     * when its retries are spent, and on the backend alone when no server could be chosen; not per failed attempt.
     */
    public void connectError() {
        connectErrors.increment();
    }

    public void retry() {
        retries.increment();
    }

    public void redispatch() {
        redispatches.increment();
    }

    /**
     * A connection to this server is being attempted, retries included ({@code connect}). Counted on servers only: a
     * backend's is its servers' sum, read when shown.
     */
    public void connectAttempt() {
        connectAttempts.increment();
    }

    /**
     * A session in its data phase ended on the client's side: a reset, a failed write, or {@code timeout client}
     * ({@code cli_abrt}; HAProxy's {@code CD} and {@code cD}).
     */
    public void clientAborted() {
        clientAborts.increment();
    }

    /**
     * A session in its data phase ended on the server's side ({@code srv_abrt}): a reset or a failed write, which is
     * also a response error ({@code eresp}, HAProxy's {@code SD}), or {@code timeout server}, which is not ({@code sD};
     * HAProxy counts the timeout in {@code srv_abrt} only).
     */
    public void serverAborted(boolean error) {
        serverAborts.increment();
        if (error) {
            responseErrors.increment();
        }
    }

    /**
     * A client connection ended before it could ask for a server, on an error of its own ({@code ereq}): a missing or
     * malformed PROXY protocol header on an {@code accept-proxy} frontend.
     */
    public void requestError() {
        requestErrors.increment();
    }

    /** A session ended on an error of the proxy's own ({@code eint}). */
    public void internalError() {
        internalErrors.increment();
    }

    /**
     * Health-check connections to this server opened ({@code n > 0}) or closed ({@code n < 0}): they count toward
     * {@code need_conn_est} as HAProxy's check connections do.
     */
    public void checkConnections(int n) {
        long now = checkConnections.addAndGet(n);
        if (n > 0) {
            maxUsedConnections.accumulateAndGet(now + currentSessions.get(), Math::max);
        }
    }

    /** The load balancer picked this server ({@code lbtot}). */
    public void selected() {
        selected.increment();
    }

    /** A session reached its server after {@code queueMillis} in the queue and {@code connectMillis} connecting. */
    public void connected(long connectMillis, long queueMillis) {
        connectTimeMillis.add(connectMillis);
        queueTimeMillis.add(queueMillis);
    }

    /**
     * HAProxy's {@code clear counters}: forgets the maxima ({@code smax}, {@code rate_max}, {@code qtime_max},
     * {@code ctime_max}, {@code ttime_max}); they grow again from the next event.
     */
    public void clearMaxima() {
        maxSessions.set(0);
        sessionRate.clearMax();
        queueTimeMillis.clearMax();
        connectTimeMillis.clearMax();
        totalTimeMillis.clearMax();
    }

    /**
     * HAProxy's {@code clear counters all}: every counter back to zero, as at start, except what is current
     * ({@code scur}) and the connection estimate. Not atomic with respect to sessions counted meanwhile, like HAProxy's.
     */
    public void clearAll() {
        clearMaxima();
        for (LongAdder a : new LongAdder[] {
            totalSessions,
            bytesIn,
            bytesOut,
            connectErrors,
            retries,
            redispatches,
            selected,
            connectAttempts,
            clientAborts,
            serverAborts,
            responseErrors,
            internalErrors,
            requestErrors
        }) {
            a.reset();
        }
        queueTimeMillis.clear();
        connectTimeMillis.clear();
        totalTimeMillis.clear();
        sessionRate.clear();
        lastSessionMillis = -1;
    }

    public long currentSessions() {
        return currentSessions.get();
    }

    public long maxSessions() {
        return maxSessions.get();
    }

    public long totalSessions() {
        return totalSessions.sum();
    }

    public long bytesIn() {
        return bytesIn.sum();
    }

    public long bytesOut() {
        return bytesOut.sum();
    }

    public long connectErrors() {
        return connectErrors.sum();
    }

    public long retries() {
        return retries.sum();
    }

    public long redispatches() {
        return redispatches.sum();
    }

    public long selectedTotal() {
        return selected.sum();
    }

    public long connectAttempts() {
        return connectAttempts.sum();
    }

    public long clientAborts() {
        return clientAborts.sum();
    }

    public long serverAborts() {
        return serverAborts.sum();
    }

    public long responseErrors() {
        return responseErrors.sum();
    }

    public long requestErrors() {
        return requestErrors.sum();
    }

    public long internalErrors() {
        return internalErrors.sum();
    }

    /**
     * HAProxy's {@code need_conn_est}: the most connections to the server in use at once, sessions and health checks
     * together. HAProxy lowers its estimate only while it keeps idle connections for reuse, which a TCP proxy never
     * does, so this is a high-water mark.
     */
    public long neededConnections() {
        return maxUsedConnections.get();
    }

    /** New sessions per second ({@code rate}, {@code rate_max}; for a frontend also {@code conn_rate}). */
    public RateCounter sessionRate() {
        return sessionRate;
    }

    /** Wall-clock millis of the last session assigned, or -1 if none yet. */
    public long lastSessionMillis() {
        return lastSessionMillis;
    }

    /** HAProxy's {@code qtime}/{@code qtime_max}: time spent in the queue by the last sessions (0 for most). */
    public SlidingAverage queueTime() {
        return queueTimeMillis;
    }

    public SlidingAverage connectTime() {
        return connectTimeMillis;
    }

    public SlidingAverage totalTime() {
        return totalTimeMillis;
    }
}
