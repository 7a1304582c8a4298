package io.understudy.core.backend;

import io.netty.channel.Channel;
import io.understudy.core.server.Server;

/**
 * A server connection made for a session: which server, the channel (connected, not reading), and the first bytes
 * the server sent (its greeting), which the receiver must forward or release.
 */
public record Connected(Server server, Channel channel, io.netty.buffer.ByteBuf greeting) {}
