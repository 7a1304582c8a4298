package io.understudy.core.model;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * HAProxy's {@code balance roundrobin}: weighted turns. A shared cursor walks the cumulative weights of the current
 * candidates, so each server gets its share of every {@code sum(weights)} picks without any lock.
 */
final class RoundRobinStrategy implements BalanceStrategy {
    private final AtomicLong cursor = new AtomicLong();

    @Override
    public Server pick(List<Server> candidates) {
        if (candidates.size() == 1) {
            return candidates.get(0);
        }
        long total = 0;
        for (Server s : candidates) {
            total += s.state().weight();
        }
        long turn = Math.floorMod(cursor.getAndIncrement(), total);
        for (Server s : candidates) {
            turn -= s.state().weight();
            if (turn < 0) {
                return s;
            }
        }
        return candidates.get(candidates.size() - 1);
    }
}
