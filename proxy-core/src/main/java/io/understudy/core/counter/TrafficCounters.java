package io.understudy.core.counter;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * The session and byte counters HAProxy keeps for each frontend, backend and server ({@code scur}, {@code smax},
 * {@code stot}, {@code bin}, {@code bout}, {@code econ}, {@code wretr}, {@code wredis}, {@code lbtot}, {@code lastsess},
 * {@code ctime}, {@code ttime}, {@code rate}). Written from any event loop; reads never block writers.
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
    private final SlidingAverage connectTimeMillis = new SlidingAverage();
    private final SlidingAverage queueTimeMillis = new SlidingAverage();
    private final SlidingAverage totalTimeMillis = new SlidingAverage();
    private final RateCounter sessionRate = new RateCounter();
    private volatile long lastSessionMillis = -1;

    /** A session starts on this object. */
    public void sessionOpened(long nowMillis) {
        long cur = currentSessions.incrementAndGet();
        maxSessions.accumulateAndGet(cur, Math::max);
        totalSessions.increment();
        sessionRate.increment();
        lastSessionMillis = nowMillis;
    }

    /** A session that {@link #sessionOpened} counted has ended after {@code totalMillis}. */
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

    public void connectError() {
        connectErrors.increment();
    }

    public void retry() {
        retries.increment();
    }

    public void redispatch() {
        redispatches.increment();
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
