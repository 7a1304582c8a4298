package io.understudy.core.model;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * HAProxy's {@code balance leastconn}: the server with the fewest sessions (connecting ones included) relative to its weight; among
 * equals, turns (the scan starts at a rotating offset).
 */
final class LeastConnStrategy implements BalanceStrategy {
    private final AtomicLong cursor = new AtomicLong();

    @Override
    public Server pick(List<Server> candidates) {
        int n = candidates.size();
        int start = (int) Math.floorMod(cursor.getAndIncrement(), (long) n);
        Server best = null;
        double bestLoad = Double.MAX_VALUE;
        for (int i = 0; i < n; i++) {
            Server s = candidates.get((start + i) % n);
            double load = (s.served() + 1) / (double) s.state().weight();
            if (load < bestLoad) {
                best = s;
                bestLoad = load;
            }
        }
        return best;
    }
}
