package io.understudy.core.model;

import io.understudy.core.backend.ConnectFailure;

/**
 * Told about what the control plane does. Called on the control plane's thread, in order; implementations must return
 * quickly and hand any I/O to another thread.
 */
public interface ControlObserver {
    /**
     * A server's state or its backend's traffic changed (only called when something actually changed; an operator's
     * traffic move arrives with equal before/after server states and differing snapshots).
     */
    default void onTransition(ServerTransition transition) {}

    /**
     * Live traffic could not connect to {@code server} (a passive health signal): the health checker may count it as a
     * failed check and re-check at once.
     */
    default void onConnectFailure(Server server, ConnectFailure failure) {}
}
