package io.understudy.core.model;

import java.util.List;

/**
 * HAProxy's {@code balance first}: the first server in declaration order. The snapshot offers only servers with a free
 * slot under their {@code maxconn}, so the next one takes over when the first is full.
 */
final class FirstStrategy implements BalanceStrategy {
    @Override
    public Server pick(List<Server> candidates) {
        return candidates.get(0);
    }
}
