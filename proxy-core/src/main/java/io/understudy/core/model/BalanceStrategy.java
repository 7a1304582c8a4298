package io.understudy.core.model;

import io.understudy.core.config.Balance;
import java.util.List;

/**
 * Picks one server among candidates that are all usable and have a free slot. Implementations are called from any event loop at once and
 * must not lock.
 */
public interface BalanceStrategy {
    /** One of {@code candidates}, which is never empty. */
    Server pick(List<Server> candidates);

    /** The strategy for a configured algorithm; each backend gets its own instance (round-robin keeps a cursor). */
    static BalanceStrategy of(Balance balance) {
        return switch (balance) {
            case FIRST -> new FirstStrategy();
            case ROUNDROBIN -> new RoundRobinStrategy();
            case LEASTCONN -> new LeastConnStrategy();
        };
    }
}
