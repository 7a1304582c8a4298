package io.understudy.admin.metrics;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufOutputStream;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.timeout.IdleStateEvent;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers the metrics server's requests: {@code GET <path>} with the Prometheus exposition, {@code GET /health} with
 * the {@link HealthVerdict}, 405 for any other method on those paths, 404 for any other path. A request that arrives
 * while the previous answers are still waiting to be written (the connection is not writable) closes the connection,
 * so a client that pipelines scrapes without reading them cannot make the proxy buffer scrape after scrape.
 */
@Sharable
final class MetricsHttpHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
    static final String METRICS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";
    static final String TEXT_CONTENT_TYPE = "text/plain; charset=utf-8";

    private static final Logger LOG = LoggerFactory.getLogger(MetricsHttpHandler.class);

    private final ProxyMetrics metrics;
    private final String metricsPath;
    /** The size of the last exposition, so the next one is rendered into a buffer that rarely has to grow. */
    private volatile int sizeHint = 64 * 1024;

    MetricsHttpHandler(ProxyMetrics metrics, String metricsPath) {
        this.metrics = metrics;
        this.metricsPath = metricsPath;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
        if (!ctx.channel().isWritable()) {
            // The client is not reading what it asked for: stop rather than render another exposition into memory.
            LOG.warn(
                    "metrics: closing {}: it sends requests without reading the answers",
                    ctx.channel().remoteAddress());
            ctx.close();
            return;
        }
        boolean keepAlive = HttpUtil.isKeepAlive(req);
        if (!req.decoderResult().isSuccess()) {
            respond(ctx, text(ctx, HttpResponseStatus.BAD_REQUEST, "bad request"), false);
            return;
        }
        String path = new QueryStringDecoder(req.uri()).path();
        boolean isMetrics = path.equals(metricsPath);
        if (!isMetrics && !path.equals(MetricsSettings.HEALTH_PATH)) {
            respond(
                    ctx,
                    text(ctx, HttpResponseStatus.NOT_FOUND, "not found: " + metricsPath + " or /health"),
                    keepAlive);
        } else if (!req.method().equals(HttpMethod.GET)) {
            FullHttpResponse r = text(ctx, HttpResponseStatus.METHOD_NOT_ALLOWED, "method not allowed: GET only");
            r.headers().set(HttpHeaderNames.ALLOW, HttpMethod.GET.name());
            respond(ctx, r, keepAlive);
        } else if (isMetrics) {
            respond(ctx, exposition(ctx), keepAlive);
        } else {
            HealthVerdict v = HealthVerdict.of(metrics.read(), metrics.pairNotReady());
            HttpResponseStatus status = v.healthy() ? HttpResponseStatus.OK : HttpResponseStatus.SERVICE_UNAVAILABLE;
            respond(ctx, text(ctx, status, v.reason()), keepAlive);
        }
    }

    private FullHttpResponse exposition(ChannelHandlerContext ctx) {
        ByteBuf body = ctx.alloc().buffer(sizeHint);
        try (Writer w = new BufferedWriter(
                new OutputStreamWriter(new ByteBufOutputStream(body), StandardCharsets.UTF_8), 16 * 1024)) {
            metrics.scrape(w);
        } catch (IOException | RuntimeException e) {
            body.release();
            LOG.warn("metrics: rendering the exposition failed", e);
            return text(ctx, HttpResponseStatus.INTERNAL_SERVER_ERROR, "internal error: " + e);
        }
        sizeHint = Math.max(sizeHint, body.readableBytes() + body.readableBytes() / 8);
        FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK, body);
        r.headers().set(HttpHeaderNames.CONTENT_TYPE, METRICS_CONTENT_TYPE);
        return r;
    }

    private static FullHttpResponse text(ChannelHandlerContext ctx, HttpResponseStatus status, String line) {
        ByteBuf body = ByteBufUtil.writeUtf8(ctx.alloc(), line + "\n");
        FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, body);
        r.headers().set(HttpHeaderNames.CONTENT_TYPE, TEXT_CONTENT_TYPE);
        return r;
    }

    private static void respond(ChannelHandlerContext ctx, FullHttpResponse r, boolean keepAlive) {
        HttpUtil.setContentLength(r, r.content().readableBytes());
        HttpUtil.setKeepAlive(r, keepAlive);
        r.headers().set(HttpHeaderNames.CACHE_CONTROL, "no-store");
        ctx.writeAndFlush(r).addListener((ChannelFutureListener) f -> {
            if (!keepAlive || !f.isSuccess()) {
                f.channel().close();
            }
        });
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt instanceof IdleStateEvent) {
            // An idle keep-alive connection holds one of the few connection slots: give it back.
            ctx.close();
            return;
        }
        super.userEventTriggered(ctx, evt);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.debug("metrics: connection from {} failed", ctx.channel().remoteAddress(), cause);
        ctx.close();
    }
}
