package io.understudy.core.counter;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;

/**
 * Events per second, HAProxy's way ({@code freq_ctr}: the {@code rate} and {@code conn_rate} columns): the count of the
 * current second plus the previous second's count weighted by the part of it still inside the last 1,000 ms. Also
 * keeps the highest rate seen ({@code rate_max}). Lock-free: one compare-and-set per event.
 */
public final class RateCounter {
    /** The second an event count belongs to, and the counts of that second and the one before. */
    private record Window(long second, long current, long previous) {
        Window at(long sec) {
            if (sec == second) {
                return this;
            }
            return new Window(sec, 0, sec == second + 1 ? current : 0);
        }
    }

    private final LongSupplier clockMillis;
    private final AtomicReference<Window> window = new AtomicReference<>(new Window(0, 0, 0));
    private final AtomicLong max = new AtomicLong();

    public RateCounter() {
        this(System::currentTimeMillis);
    }

    /** With a clock of its own, for tests. */
    public RateCounter(LongSupplier clockMillis) {
        this.clockMillis = clockMillis;
    }

    /** Counts one event now. */
    public void increment() {
        long now = clockMillis.getAsLong();
        long sec = now / 1000;
        Window w;
        Window next;
        do {
            w = window.get();
            Window rolled = w.at(sec);
            next = new Window(rolled.second(), rolled.current() + 1, rolled.previous());
        } while (!window.compareAndSet(w, next));
        max.accumulateAndGet(rate(next, now), Math::max);
    }

    /** Events over the last second, as HAProxy's {@code read_freq_ctr} computes it. */
    public long rate() {
        long now = clockMillis.getAsLong();
        return rate(window.get().at(now / 1000), now);
    }

    /** The highest rate seen since start, or since {@link #clearMax}. */
    public long max() {
        return max.get();
    }

    /** Forgets the highest rate ({@code clear counters}). */
    public void clearMax() {
        max.set(0);
    }

    /** Forgets every event ({@code clear counters all}). */
    public void clear() {
        window.set(new Window(0, 0, 0));
        max.set(0);
    }

    private static long rate(Window w, long nowMillis) {
        long intoSecond = nowMillis % 1000;
        return w.current() + (w.previous() * (1000 - intoSecond) + 999) / 1000;
    }
}
