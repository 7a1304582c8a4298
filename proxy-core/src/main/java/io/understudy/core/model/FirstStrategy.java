package io.understudy.core.model;

import java.util.List;

/**
 * HAProxy's {@code balance first}: the first server in declaration order that has a free slot under its
 * {@code maxconn}. When all are full, the least loaded one (queueing comes with the maxconn/queue work).
 */
final class FirstStrategy implements BalanceStrategy {
    @Override
    public Server pick(List<Server> candidates) {
        Server leastLoaded = candidates.get(0);
        for (Server s : candidates) {
            if (s.hasFreeSlot()) {
                return s;
            }
            if (s.counters().currentSessions() < leastLoaded.counters().currentSessions()) {
                leastLoaded = s;
            }
        }
        return leastLoaded;
    }
}
