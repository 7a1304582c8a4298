package io.understudy.core.backend;

import io.netty.channel.Channel;
import io.understudy.core.model.BackendSnapshot;
import io.understudy.core.model.Server;

/**
 * A server connection made for a session: which server, the channel (connected, not reading), the first bytes the
 * server sent (its greeting), which the receiver must forward or release, and the servers that failed for this
 * session (so that the receiver can check the choice against the backend's current snapshot).
 */
public record Connected(
        Server server, Channel channel, io.netty.buffer.ByteBuf greeting, java.util.Set<Server> excluded) {
    /** Whether new sessions still go to this server, by the backend's snapshot published now. */
    public boolean stillChosen(BackendSnapshot snapshot, boolean allBackups) {
        return snapshot.candidates(excluded, allBackups).contains(server);
    }
}
