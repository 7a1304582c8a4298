package io.understudy.core.backend;

import io.netty.util.concurrent.Future;
import io.understudy.core.session.ProxySession;

/**
 * Gets a session a greeted server connection: what a frontend needs from its backend. {@link BackendConnector} is the
 * one the proxy runs; the interface lets the frontend's handler be driven by a scripted connector on an embedded
 * channel, which cannot make socket connections.
 */
public interface ServerConnector {
    /**
     * Connects {@code session}; the future completes on the session's event loop, either with a connected, not-reading
     * channel, its greeting and the slot it holds (all owned by the receiver), or with a
     * {@link ConnectFailedException} saying why no server could be had.
     */
    Future<Connected> connect(ProxySession session);

    /**
     * A session's server answered neither within its login deadline after the client sent its login: a health signal
     * like a missing greeting. Does nothing unless the connector reports health.
     */
    default void loginStalled(ProxySession session, io.understudy.core.model.Server server, long waitedMillis) {}
}
