package io.understudy.server.syslog;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDomainDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.unix.DomainDatagramPacket;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Syslog to a Unix datagram socket such as {@code /dev/log}. The JDK has no Unix datagram channel (JDK 16 added Unix
 * domain sockets for stream channels only), so this uses Netty's epoll one, on an event loop of its own: a send from
 * any thread is queued to that loop and never waits. Needs the native epoll transport (Linux).
 */
final class UnixDatagramSender implements SyslogSender {
    /** Datagrams queued to the loop past this many bytes are dropped rather than pile up. */
    private static final int MAX_PENDING_BYTES = 1 << 20;

    private final DomainSocketAddress target;
    private final EventLoopGroup group;
    private final Channel channel;
    private final java.util.concurrent.atomic.LongAdder lost = new java.util.concurrent.atomic.LongAdder();

    UnixDatagramSender(Path socket) {
        if (!Epoll.isAvailable()) {
            throw new IllegalStateException(
                    "syslog to " + socket + " needs Netty's native epoll transport: " + Epoll.unavailabilityCause());
        }
        this.target = new DomainSocketAddress(socket.toString());
        this.group = new MultiThreadIoEventLoopGroup(
                1, new DefaultThreadFactory("understudy-syslog", true), EpollIoHandler.newFactory());
        this.channel = new Bootstrap()
                .group(group)
                .channel(EpollDomainDatagramChannel.class)
                // Never bound nor connected: each datagram names its target, so a restarted syslogd is found again.
                .option(ChannelOption.DATAGRAM_CHANNEL_ACTIVE_ON_REGISTRATION, true)
                .handler(new ChannelInboundHandlerAdapter())
                .register()
                .syncUninterruptibly()
                .channel();
    }

    @Override
    public boolean send(byte[] datagram) {
        if (!channel.isActive() && !channel.isOpen()) {
            return false;
        }
        if (channel.unsafe().outboundBuffer() != null
                && channel.unsafe().outboundBuffer().totalPendingWriteBytes() > MAX_PENDING_BYTES) {
            return false;
        }
        channel.writeAndFlush(new DomainDatagramPacket(Unpooled.wrappedBuffer(datagram), target))
                .addListener(f -> {
                    if (!f.isSuccess()) {
                        // Nobody listening on the socket (syslogd down), or its buffer full.
                        lost.increment();
                    }
                });
        return true;
    }

    @Override
    public long lostAfterSend() {
        return lost.sum();
    }

    @Override
    public void close() {
        channel.close().syncUninterruptibly();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
