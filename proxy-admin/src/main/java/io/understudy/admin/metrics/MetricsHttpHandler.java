package io.understudy.admin.metrics;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufOutputStream;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
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
import io.prometheus.metrics.expositionformats.ExpositionFormatWriter;
import java.io.IOException;
import java.io.OutputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers the metrics server's requests: {@code GET <path>} with the Prometheus exposition (the part {@code ?scope=}
 * and {@code ?no-maint} choose, {@link MetricsQuery}; OpenMetrics or the text format 0.0.4 by the {@code Accept}
 * header, {@link ProxyMetrics#writerFor}), {@code GET /health} with the {@link HealthVerdict}, {@code HEAD} on either
 * with the headers a GET would get and no body, 400 for a query HAProxy refuses, 405 for any other method on those
 * paths, 404 for any other path. A request that arrives while the previous answers are still waiting to be written (the
 * connection is not writable) closes the connection, so a client that pipelines scrapes without reading them cannot
 * make the proxy buffer scrape after scrape.
 */
@Sharable
final class MetricsHttpHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
    static final String TEXT_CONTENT_TYPE = "text/plain; charset=utf-8";

    private static final Logger LOG = LoggerFactory.getLogger(MetricsHttpHandler.class);
    private static final String ALLOWED = HttpMethod.GET.name() + ", " + HttpMethod.HEAD.name();

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
            respond(ctx, text(ctx, HttpResponseStatus.BAD_REQUEST, "bad request"), false, false);
            return;
        }
        QueryStringDecoder uri = new QueryStringDecoder(req.uri());
        String path = uri.path();
        boolean isMetrics = path.equals(metricsPath);
        boolean head = req.method().equals(HttpMethod.HEAD);
        FullHttpResponse r;
        if (!isMetrics && !path.equals(MetricsSettings.HEALTH_PATH)) {
            r = text(ctx, HttpResponseStatus.NOT_FOUND, "not found: " + metricsPath + " or /health");
        } else if (!head && !req.method().equals(HttpMethod.GET)) {
            r = text(ctx, HttpResponseStatus.METHOD_NOT_ALLOWED, "method not allowed: GET or HEAD only");
            r.headers().set(HttpHeaderNames.ALLOW, ALLOWED);
        } else if (isMetrics) {
            r = exposition(ctx, uri.rawQuery(), req.headers().get(HttpHeaderNames.ACCEPT));
        } else {
            HealthVerdict v = HealthVerdict.of(metrics.read(), metrics.pairNotReady());
            HttpResponseStatus status = v.healthy() ? HttpResponseStatus.OK : HttpResponseStatus.SERVICE_UNAVAILABLE;
            r = text(ctx, status, v.reason());
        }
        respond(ctx, r, keepAlive, head);
    }

    private FullHttpResponse exposition(ChannelHandlerContext ctx, String rawQuery, String accept) {
        MetricsQuery query;
        try {
            query = MetricsQuery.parse(rawQuery);
        } catch (IllegalArgumentException e) {
            // HAProxy's exporter answers 400 too; the body says what was wrong instead of HAProxy's generic page.
            return text(ctx, HttpResponseStatus.BAD_REQUEST, "bad request: " + e.getMessage());
        }
        ExpositionFormatWriter format = metrics.writerFor(accept);
        ByteBuf body = ctx.alloc().buffer(sizeHint);
        try (OutputStream out = new ByteBufOutputStream(body)) {
            metrics.scrape(out, query, format);
        } catch (IOException | RuntimeException e) {
            body.release();
            LOG.warn("metrics: rendering the exposition failed", e);
            return text(ctx, HttpResponseStatus.INTERNAL_SERVER_ERROR, "internal error: " + e);
        }
        sizeHint = Math.max(sizeHint, body.readableBytes() + body.readableBytes() / 8);
        FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK, body);
        r.headers().set(HttpHeaderNames.CONTENT_TYPE, format.getContentType());
        return r;
    }

    private static FullHttpResponse text(ChannelHandlerContext ctx, HttpResponseStatus status, String line) {
        ByteBuf body = ByteBufUtil.writeUtf8(ctx.alloc(), line + "\n");
        FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, body);
        r.headers().set(HttpHeaderNames.CONTENT_TYPE, TEXT_CONTENT_TYPE);
        return r;
    }

    /** Sends {@code r}; for a HEAD, its headers (Content-Length included) without its body. */
    private static void respond(ChannelHandlerContext ctx, FullHttpResponse r, boolean keepAlive, boolean head) {
        HttpUtil.setContentLength(r, r.content().readableBytes());
        if (head) {
            FullHttpResponse headers = r.replace(Unpooled.EMPTY_BUFFER);
            r.release();
            r = headers;
        }
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
