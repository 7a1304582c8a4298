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
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Sets up each connection accepted on one admin socket: past the socket's connection limit it only gets an error line
 * and is closed; otherwise it gets the line decoder and a {@link CliHandler} starting at the socket's level.
 */
final class CliInitializer extends ChannelInitializer<Channel> {
    private final CommandRegistry commands;
    private final CliLimits limits;
    private final Level level;
    private final AtomicInteger open = new AtomicInteger();

    CliInitializer(CommandRegistry commands, CliLimits limits, Level level) {
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
        if (open.incrementAndGet() > limits.maxConnectionsPerSocket()) {
            open.decrementAndGet();
            ch.pipeline().addLast("reject", new Reject(limits.maxConnectionsPerSocket()));
            return;
        }
        ch.closeFuture().addListener(f -> open.decrementAndGet());
        CliFrameDecoder decoder = new CliFrameDecoder(limits.maxLineBytes());
        ch.pipeline()
                .addLast("line", decoder)
                .addLast("cli", new CliHandler(commands, limits, decoder, new CliSession(level)));
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
