package io.understudy.checks.sql;

import java.time.Duration;

/** The point in time by which one check must have finished, and how much of its budget is left at each step. */
record Deadline(long startNanos, long budgetMillis) {
    static Deadline startingNow(Duration budget) {
        return new Deadline(System.nanoTime(), Math.max(1, budget.toMillis()));
    }

    long elapsedMillis() {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }

    /** Milliseconds left; zero or less once the budget is spent. */
    long remainingMillis() {
        return budgetMillis - elapsedMillis();
    }

    boolean expired() {
        return remainingMillis() <= 0;
    }
}
