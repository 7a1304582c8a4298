package io.understudy.checks.fence;

import io.understudy.core.model.Server;

/**
 * Ends this proxy's open sessions on a server that the writer lock says is not the writer: new sessions are held in the
 * queue by the model, but sessions already relayed to that server would go on writing there. The launcher closes them
 * through the session registry.
 */
@FunctionalInterface
public interface FencedSessions {
    /** Closes every session of this proxy on {@code server}; returns how many were closed. Any thread. */
    int close(Server server, String why);

    /** For a proxy without sessions to close (tests of the fence alone). */
    FencedSessions NONE = (server, why) -> 0;
}
