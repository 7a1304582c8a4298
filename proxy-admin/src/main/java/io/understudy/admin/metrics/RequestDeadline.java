package io.understudy.admin.metrics;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A request must arrive whole within {@link #SECONDS} of its first byte (HAProxy's {@code timeout http-request}): a
 * client that sends headers a byte at a time, or stops half way, loses its connection instead of holding one of the
 * server's few slots until the idle timeout. Sits before the HTTP codec, one per connection: armed by the first bytes
 * of a request, disarmed when its answer is written. Event loop of its channel only.
 */
final class RequestDeadline extends ChannelDuplexHandler {
    private static final Logger LOG = LoggerFactory.getLogger(RequestDeadline.class);
    static final int SECONDS = 5;

    private final ConnectionLimit limit;
    private ScheduledFuture<?> timer;

    RequestDeadline(ConnectionLimit limit) {
        this.limit = limit;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        if (timer == null && msg instanceof ByteBuf b && b.isReadable()) {
            timer = ctx.executor()
                    .schedule(
                            () -> {
                                LOG.warn(
                                        "metrics: closing {}: no whole request within {}s",
                                        ctx.channel().remoteAddress(),
                                        SECONDS);
                                ctx.close();
                            },
                            SECONDS,
                            TimeUnit.SECONDS);
        }
        super.channelRead(ctx, msg);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) throws Exception {
        // An answer means its request arrived whole; the next request's first bytes arm the deadline again.
        disarm();
        limit.answering(ctx.channel());
        promise.addListener(f -> limit.quiet(ctx.channel()));
        super.write(ctx, msg, promise);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        disarm();
        super.channelInactive(ctx);
    }

    private void disarm() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }
}
