package io.understudy.admin.metrics;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Caps the metrics server's concurrent connections, so that a runaway scraper costs the proxy a few file descriptors at
 * most. A connection over the cap takes the slot of the one that has been quiet longest (an idle keep-alive, or one
 * whose request is still not complete): a few clients that connect and send nothing, or half a request, cannot keep
 * keepalived's {@code /health} out. Only when every other connection is being answered right now is the new one closed
 * at once.
 */
@Sharable
final class ConnectionLimit extends ChannelInboundHandlerAdapter {
    private static final Logger LOG = LoggerFactory.getLogger(ConnectionLimit.class);

    private final int max;
    private final AtomicInteger open = new AtomicInteger();
    /** Open connections and since when each has been quiet (not being answered), in nanoseconds; absent while answered. */
    private final Map<Channel, Long> quietSince = new ConcurrentHashMap<>();

    ConnectionLimit(int max) {
        this.max = max;
    }

    /** Connections open now (including one being refused). */
    int open() {
        return open.get();
    }

    /** An answer is being written on {@code ch}: not to be evicted meanwhile. */
    void answering(Channel ch) {
        quietSince.remove(ch);
    }

    /** {@code ch}'s answer is written: quiet again from now. */
    void quiet(Channel ch) {
        if (ch.isActive()) {
            quietSince.put(ch, System.nanoTime());
        }
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        Channel ch = ctx.channel();
        if (open.incrementAndGet() > max) {
            Optional<Channel> quietest = quietSince.entrySet().stream()
                    .filter(e -> e.getKey() != ch)
                    .min(Map.Entry.comparingByValue())
                    .map(Map.Entry::getKey);
            if (quietest.isEmpty() || quietSince.remove(quietest.get()) == null) {
                LOG.warn(
                        "metrics: refusing {}: all {} connections are being answered (maxconn)",
                        ch.remoteAddress(),
                        max);
                ctx.close();
                return;
            }
            LOG.warn(
                    "metrics: {} connections (maxconn): closing {}, quiet the longest, for {}",
                    max,
                    quietest.get().remoteAddress(),
                    ch.remoteAddress());
            quietest.get().close();
        }
        quietSince.put(ch, System.nanoTime());
        super.channelActive(ctx);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        quietSince.remove(ctx.channel());
        open.decrementAndGet();
        super.channelInactive(ctx);
    }
}
