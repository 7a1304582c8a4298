package io.understudy.core.backend;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Promise;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Waits, on a freshly connected server channel, for the server's first bytes. A MySQL server speaks first (its
 * greeting), so a connection counts as established only once they arrive: a server that is frozen or overloaded
 * accepts in the kernel but never greets, and then the connect is a failure, reported as a health signal, before the
 * client has seen anything. The deadline is the server's {@link GreetingClock}; every greeting that arrives is recorded
 * there. Lives on the session's event loop; its fields are plain.
 */
final class GreetingWait extends ChannelInboundHandlerAdapter {
    private final Promise<ByteBuf> greeting;
    private final long timeoutMillis;
    private final long lateMillis;
    private final GreetingClock clock;
    private final long startNanos = System.nanoTime();
    private ScheduledFuture<?> timer;
    /** The deadline passed: the connect has failed, and the channel only waits to learn how late the greeting is. */
    private boolean late;

    /**
     * @param timeoutMillis the greeting deadline: the connect fails when it passes
     * @param lateMillis how much longer (what is left of {@code timeout connect}) the channel stays open after that,
     *     only to record a late greeting, so that a server that became slow raises its own deadline instead of
     *     failing every connect at the old one
     */
    GreetingWait(Promise<ByteBuf> greeting, long timeoutMillis, long lateMillis, GreetingClock clock) {
        this.greeting = greeting;
        this.timeoutMillis = timeoutMillis;
        this.lateMillis = lateMillis;
        this.clock = clock;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        timer = ctx.executor()
                .schedule(
                        () -> {
                            if (greeting.tryFailure(new GreetingTimeoutException(timeoutMillis, clock.describe()))) {
                                if (lateMillis > 0) {
                                    late = true;
                                    timer = ctx.executor()
                                            .schedule(() -> ctx.close(), lateMillis, TimeUnit.MILLISECONDS);
                                } else {
                                    ctx.close();
                                }
                            }
                        },
                        timeoutMillis,
                        TimeUnit.MILLISECONDS);
        ctx.read();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (late) {
            // The connect already failed; the greeting only teaches the clock how slow the server has become.
            ReferenceCountUtil.release(msg);
            timer.cancel(false);
            clock.record(System.nanoTime() - startNanos);
            ctx.close();
            return;
        }
        if (msg instanceof ByteBuf buf && buf.isReadable()) {
            timer.cancel(false);
            clock.record(System.nanoTime() - startNanos);
            ctx.pipeline().remove(this);
            if (!greeting.trySuccess(buf)) {
                buf.release();
            }
            return;
        }
        ReferenceCountUtil.release(msg);
        ctx.read();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        timer.cancel(false);
        greeting.tryFailure(new java.io.IOException("server closed the connection before its greeting"));
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof io.netty.channel.socket.ChannelInputShutdownEvent) {
            timer.cancel(false);
            greeting.tryFailure(new java.io.IOException("server closed the connection before its greeting"));
            ctx.close();
            return;
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        timer.cancel(false);
        greeting.tryFailure(cause);
        ctx.close();
    }

    /** The server accepted the connection but sent nothing within its greeting deadline. */
    static final class GreetingTimeoutException extends Exception {
        private static final long serialVersionUID = 1L;

        GreetingTimeoutException(long millis, String usual) {
            super("no greeting from the server within " + millis + "ms (" + usual + ")", null, false, false);
        }
    }
}
