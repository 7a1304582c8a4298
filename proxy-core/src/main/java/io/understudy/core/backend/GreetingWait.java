package io.understudy.core.backend;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Promise;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Waits, on a freshly connected server channel, for the server's greeting. A MySQL server speaks first, so a
 * connection counts as established only once its first packet has arrived whole: a server that is frozen or
 * overloaded accepts in the kernel but never greets (or trickles a few bytes and stops), and then the connect is a
 * failure, reported as a health signal, before the client has seen anything. A first packet that cannot be a greeting
 * (a sequence id other than 0, or a length no greeting has) fails the connect at once: something other than MySQL
 * answers on that port. An ERR packet in place of the greeting (1040 "Too many connections", 1129 "Host is blocked")
 * is the server's own answer and goes to the client as it is, as it would on a direct connection. The deadline is the
 * server's {@link GreetingClock}; every greeting that arrives is recorded there. Lives on the session's event loop;
 * its fields are plain.
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
    /** What has arrived of the greeting so far; null until the first bytes. */
    private ByteBuf received;

    /** MySQL's packet header: a 3-byte little-endian payload length and a sequence id. */
    static final int HEADER_BYTES = 4;
    /**
     * The longest first packet taken as a greeting. A real one is about a hundred bytes (a long version string and
     * plugin name stay far below this); text from another protocol read as a MySQL header announces megabytes.
     */
    static final int MAX_GREETING_BYTES = 16 * 1024;

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
                            if (greeting.tryFailure(new GreetingTimeoutException(
                                    timeoutMillis,
                                    received == null ? 0 : received.readableBytes(),
                                    clock.describe()))) {
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
        if (!(msg instanceof ByteBuf buf) || !buf.isReadable()) {
            ReferenceCountUtil.release(msg);
            ctx.read();
            return;
        }
        received = received == null ? buf : ByteToMessageDecoder.MERGE_CUMULATOR.cumulate(ctx.alloc(), received, buf);
        if (received.readableBytes() < HEADER_BYTES) {
            ctx.read();
            return;
        }
        int length = received.getUnsignedMediumLE(received.readerIndex());
        int sequence = received.getUnsignedByte(received.readerIndex() + 3);
        if (sequence != 0 || length == 0 || length > MAX_GREETING_BYTES) {
            timer.cancel(false);
            greeting.tryFailure(new MalformedGreetingException(length, sequence));
            ctx.close();
            return;
        }
        if (received.readableBytes() < HEADER_BYTES + length) {
            // A greeting in pieces: the deadline covers all of it, not only its first byte.
            ctx.read();
            return;
        }
        timer.cancel(false);
        clock.record(System.nanoTime() - startNanos);
        ByteBuf whole = received;
        received = null;
        ctx.pipeline().remove(this);
        if (!greeting.trySuccess(whole)) {
            whole.release();
        }
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        if (received != null) {
            received.release();
            received = null;
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        timer.cancel(false);
        greeting.tryFailure(new java.io.IOException(
                received == null
                        ? "server closed the connection before its greeting"
                        : "server closed the connection in the middle of its greeting"));
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

    /** The server's first packet cannot be a MySQL greeting: another protocol, or a broken server. */
    static final class MalformedGreetingException extends java.io.IOException {
        private static final long serialVersionUID = 1L;

        MalformedGreetingException(int length, int sequence) {
            super("not a MySQL greeting (first packet: " + length + " bytes, sequence " + sequence + ")");
        }
    }

    /** The server accepted the connection but sent no whole greeting within its greeting deadline. */
    static final class GreetingTimeoutException extends Exception {
        private static final long serialVersionUID = 1L;

        GreetingTimeoutException(long millis, int partial, String usual) {
            super(
                    (partial == 0
                                    ? "no greeting from the server within "
                                    : "greeting incomplete (" + partial + " bytes) within ")
                            + millis + "ms (" + usual + ")",
                    null,
                    false,
                    false);
        }
    }
}
