package io.understudy.admin.metrics;

/** Ages in whole seconds, as HAProxy reports {@code lastchg}, {@code lastsess} and its uptime. */
final class SecondsSince {
    private SecondsSince() {}

    /** Whole seconds from {@code thenMillis} to {@code nowMillis}; never negative when clocks race by a millisecond. */
    static long whole(long nowMillis, long thenMillis) {
        return Math.max(0, (nowMillis - thenMillis) / 1000);
    }
}
