package io.understudy.core.backend;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.understudy.core.model.Server;
import io.understudy.core.model.Slot;

/**
 * A server connection made for a session: the slot it holds on its server, the channel (connected, not reading), and
 * the first bytes the server sent (its greeting). The receiver owns all three: it forwards or releases the greeting and
 * releases the slot when the session ends.
 */
public record Connected(Slot slot, Channel channel, ByteBuf greeting) {
    public Server server() {
        return slot.server();
    }
}
