package io.understudy.checks;

import io.understudy.core.model.Server;

/**
 * Told about every active check that completed (not live-traffic failures counted as checks). Called on the checkers' timer
 * thread: implementations must return at once.
 */
@FunctionalInterface
public interface CheckListener {
    void checkCompleted(Server server, CheckResult result);
}
