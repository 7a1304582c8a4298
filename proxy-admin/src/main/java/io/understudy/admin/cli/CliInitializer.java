package io.understudy.admin.cli;

import io.netty.buffer.ByteBufUtil;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.util.ReferenceCountUtil;
import io.understudy.admin.command.CliMessages;
import io.understudy.admin.command.CliSession;
import io.understudy.admin.command.CommandRegistry;
import io.understudy.core.config.AdminSocketConfig.Level;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Sets up each connection accepted on one admin socket: it gets the line decoder and a {@link CliHandler} starting at
 * the socket's level. At the socket's connection limit, the connection that has waited longest for a request (at least
 * {@link #EVICTABLE_AFTER_NANOS}, with no command in progress) is closed with a line saying why to make room, so that
 * idle or leaked connections (a script that never closes, a client that reconnects to hold slots) cannot lock an
 * operator out; only when every connection is busy or fresh does the newcomer get an error line instead.
 */
final class CliInitializer extends ChannelInitializer<Channel> {
    private final CommandRegistry commands;
    private final CliLimits limits;
    private final Level level;
    private final AtomicInteger open = new AtomicInteger();
    private final Set<CliHandler> live = ConcurrentHashMap.newKeySet();

    /** How long a connection must have been idle before a newcomer may take its place: a burst is not an attack. */
    static final long EVICTABLE_AFTER_NANOS = TimeUnit.SECONDS.toNanos(1);

    /** Whether the socket has {@code expose-fd listeners}. */
    private final boolean exposeFd;

    CliInitializer(CommandRegistry commands, CliLimits limits, Level level) {
        this(commands, limits, level, false);
    }

    CliInitializer(CommandRegistry commands, CliLimits limits, Level level, boolean exposeFd) {
        this.exposeFd = exposeFd;
        this.commands = commands;
        this.limits = limits;
        this.level = level;
    }

    /** Connections being served now (rejected ones not counted). */
    int openConnections() {
        return open.get();
    }

    @Override
    protected void initChannel(Channel ch) {
        if (open.incrementAndGet() > limits.maxConnectionsPerSocket() && !evictIdlest()) {
            open.decrementAndGet();
            ch.pipeline().addLast("reject", new Reject(limits.maxConnectionsPerSocket()));
            return;
        }
        CliFrameDecoder decoder = new CliFrameDecoder(limits.maxLineBytes());
        CliHandler handler = new CliHandler(commands, limits, decoder, new CliSession(level, exposeFd));
        ch.pipeline().addLast("line", decoder).addLast("cli", handler);
        // Only once in the pipeline: evicting needs the handler's context.
        live.add(handler);
        ch.closeFuture().addListener(f -> {
            open.decrementAndGet();
            live.remove(handler);
        });
    }

    /** Closes the connection idle the longest, if one has been idle long enough; true if one was chosen. */
    private boolean evictIdlest() {
        while (true) {
            CliHandler idlest = null;
            long longest = EVICTABLE_AFTER_NANOS - 1;
            for (CliHandler h : live) {
                long idle = h.idleNanos();
                if (idle > longest) {
                    longest = idle;
                    idlest = h;
                }
            }
            if (idlest == null) {
                return false;
            }
            // Removed here, so that each connection is chosen once even while its close is on its way; another
            // newcomer that chose the same one looks again.
            if (live.remove(idlest)) {
                CliHandler chosen = idlest;
                chosen.evict(CliMessages.evicted(limits.maxConnectionsPerSocket()), () -> live.add(chosen));
                return true;
            }
        }
    }

    /** Answers a connection over the limit with one line, then closes it; whatever it sends is dropped. */
    private static final class Reject extends ChannelInboundHandlerAdapter {
        private final int max;

        Reject(int max) {
            this.max = max;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            ctx.writeAndFlush(ByteBufUtil.writeUtf8(ctx.alloc(), CliMessages.tooManyConnections(max)))
                    .addListener(ChannelFutureListener.CLOSE);
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ReferenceCountUtil.release(msg);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }
}
