package io.understudy.core.backend;

import io.netty.channel.Channel;
import io.understudy.core.server.Server;

/** A server connection made for a session: which server, and the channel (connected, not yet reading). */
public record Connected(Server server, Channel channel) {}
