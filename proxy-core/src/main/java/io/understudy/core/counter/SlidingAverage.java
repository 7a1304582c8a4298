package io.understudy.core.counter;

import java.util.concurrent.atomic.AtomicLong;

/**
 * HAProxy's sliding average over about the last {@value #WINDOW} samples ({@code swrate_add}): {@code sum = sum -
 * sum/N + v}, average = {@code sum/N}. Lock-free; a lost race only blurs one sample.
 */
public final class SlidingAverage {
    static final int WINDOW = 1024;

    private final AtomicLong sum = new AtomicLong();
    private final AtomicLong max = new AtomicLong();
    private final AtomicLong samples = new AtomicLong();

    public void add(long value) {
        sum.getAndUpdate(s -> s - s / WINDOW + value);
        max.accumulateAndGet(value, Math::max);
        samples.incrementAndGet();
    }

    /**
     * The average; while fewer than {@value #WINDOW} samples were taken, divides by the count seen so far (as HAProxy's
     * {@code swrate_avg} does with its sample count), so the first values are not reported 1024 times too small.
     */
    public long average() {
        long n = Math.min(samples.get(), WINDOW);
        if (n == 0) {
            return 0;
        }
        // Before the window is full, sum holds roughly the plain total of the samples with slight decay.
        return sum.get() / (n < WINDOW ? Math.max(1, n) : WINDOW);
    }

    public long max() {
        return max.get();
    }

    /** Forgets the maximum ({@code clear counters}). */
    public void clearMax() {
        max.set(0);
    }

    /** Forgets every sample ({@code clear counters all}). */
    public void clear() {
        sum.set(0);
        samples.set(0);
        max.set(0);
    }
}
