package io.understudy.bench;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufOutputStream;
import io.netty.buffer.Unpooled;
import io.netty.channel.EventLoopGroup;
import io.understudy.admin.AdminContext;
import io.understudy.admin.metrics.MetricsServer;
import io.understudy.admin.metrics.MetricsSettings;
import io.understudy.admin.metrics.ProxyMetrics;
import io.understudy.admin.stats.StatsSnapshot;
import io.understudy.checks.HealthChecker;
import io.understudy.checks.StandardCheckFactory;
import io.understudy.checks.sql.SqlCheckExecutor;
import io.understudy.core.ProxyEngine;
import io.understudy.core.config.ConfigLoader;
import io.understudy.core.model.Backend;
import io.understudy.core.model.Server;
import java.io.BufferedWriter;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * Measures how long rendering {@code /metrics} takes for a proxy with 1,000 configured servers (10 listen sections of
 * 100, every server health-checked so the check series are there too, counters filled with non-zero values): the
 * exposition rendered into a Netty buffer exactly as the HTTP handler does, the {@code show stat} snapshot it is built
 * from on its own, and a full HTTP GET over loopback. Checks are configured but not started, so the machine only does
 * the rendering. Run it with:
 *
 * <pre>
 * mvn -q -o -pl bench dependency:build-classpath -Dmdep.outputFile=/tmp/bench.cp
 * java -cp bench/target/classes:$(cat /tmp/bench.cp) io.understudy.bench.MetricsRenderBench [servers] [iterations]
 * </pre>
 */
public final class MetricsRenderBench {
    private static final int BACKENDS = 10;

    private MetricsRenderBench() {}

    public static void main(String[] args) throws Exception {
        int servers = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        int iterations = args.length > 1 ? Integer.parseInt(args[1]) : 100;
        ProxyEngine engine = new ProxyEngine(ConfigLoader.parse(config(servers), "bench.conf"));
        EventLoopGroup checkLoop = engine.transport().newGroup(1, "bench-check");
        SqlCheckExecutor sql = new SqlCheckExecutor();
        HealthChecker health =
                new HealthChecker(engine.control(), new StandardCheckFactory(checkLoop, engine.transport(), sql));
        AdminContext ctx = new AdminContext(
                engine, health, "bench", ProcessHandle.current().pid(), engine.startMillis());
        fillCounters(engine);
        try (ProxyMetrics metrics = new ProxyMetrics(ctx, "understudy")) {
            ByteBuf buf = Unpooled.buffer(4 << 20);
            int bytes = render(metrics, buf);
            long lines = buf.toString(StandardCharsets.UTF_8)
                    .lines()
                    .filter(l -> !l.startsWith("#"))
                    .count();
            for (int i = 0; i < iterations; i++) {
                render(metrics, buf);
                StatsSnapshot.capture(ctx);
            }
            long[] renderNanos = new long[iterations];
            long[] snapshotNanos = new long[iterations];
            for (int i = 0; i < iterations; i++) {
                long t0 = System.nanoTime();
                render(metrics, buf);
                long t1 = System.nanoTime();
                StatsSnapshot.capture(ctx);
                long t2 = System.nanoTime();
                renderNanos[i] = t1 - t0;
                snapshotNanos[i] = t2 - t1;
            }
            long[] httpNanos = http(engine, metrics, iterations);
            System.out.printf(
                    Locale.ROOT,
                    "MetricsRenderBench: %d servers in %d backends, %d samples, %d bytes per scrape%n",
                    servers,
                    BACKENDS,
                    lines,
                    bytes);
            System.out.println("  render /metrics (whole exposition, JVM metrics included): " + summary(renderNanos));
            System.out.println(
                    "  of which show stat snapshot alone:                         " + summary(snapshotNanos));
            System.out.println("  HTTP GET /metrics over loopback (client included):         " + summary(httpNanos));
            buf.release();
        } finally {
            health.close();
            sql.close();
            checkLoop.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
            engine.close();
        }
    }

    /** Renders as the HTTP handler does: through a buffered UTF-8 writer into a Netty buffer. */
    private static int render(ProxyMetrics metrics, ByteBuf buf) throws Exception {
        buf.clear();
        try (Writer w = new BufferedWriter(
                new OutputStreamWriter(new ByteBufOutputStream(buf), StandardCharsets.UTF_8), 16 * 1024)) {
            metrics.scrape(w);
        }
        return buf.readableBytes();
    }

    private static long[] http(ProxyEngine engine, ProxyMetrics metrics, int iterations) throws Exception {
        MetricsSettings settings = new MetricsSettings(new InetSocketAddress("127.0.0.1", 0));
        long[] nanos = new long[iterations];
        try (MetricsServer server = new MetricsServer(settings, metrics, engine.transport())) {
            server.start();
            HttpClient client = HttpClient.newHttpClient();
            HttpRequest req = HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + server.address().getPort() + "/metrics"))
                    .timeout(Duration.ofSeconds(30))
                    .build();
            for (int i = 0; i < iterations / 2; i++) {
                client.send(req, HttpResponse.BodyHandlers.ofByteArray());
            }
            for (int i = 0; i < iterations; i++) {
                long t0 = System.nanoTime();
                HttpResponse<byte[]> r = client.send(req, HttpResponse.BodyHandlers.ofByteArray());
                nanos[i] = System.nanoTime() - t0;
                if (r.statusCode() != 200) {
                    throw new IllegalStateException("GET /metrics: " + r.statusCode());
                }
            }
        }
        return nanos;
    }

    private static String config(int servers) {
        StringBuilder s = new StringBuilder("defaults { check { type = tcp } }\n");
        int perBackend = servers / BACKENDS;
        int port = 20000;
        for (int b = 0; b < BACKENDS; b++) {
            s.append("listen.db").append(b).append(" {\n  bind = \"127.0.0.1:0\"\n  servers = [\n");
            for (int i = 0; i < perBackend; i++) {
                s.append("    { name = srv")
                        .append(i)
                        .append(", address = \"127.0.0.1:")
                        .append(port++)
                        .append('"')
                        .append(i > 0 ? ", backup = true" : "")
                        .append(" }\n");
            }
            s.append("  ]\n}\n");
        }
        return s.toString();
    }

    /** Realistic magnitudes: numbers print longer than zeros, which is what a long-running proxy renders. */
    private static void fillCounters(ProxyEngine engine) {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        for (Backend b : engine.backends()) {
            for (Server s : b.servers()) {
                for (int i = 0; i < 3; i++) {
                    s.counters().sessionOpened(System.currentTimeMillis());
                    s.counters().connected(r.nextLong(1, 20), 0);
                }
                s.counters().sessionClosed(r.nextLong(1, 100_000));
                s.counters().addBytesIn(r.nextLong(1, 1L << 40));
                s.counters().addBytesOut(r.nextLong(1, 1L << 42));
                s.counters().selected();
            }
        }
    }

    private static String summary(long[] nanos) {
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        return String.format(
                Locale.ROOT,
                "median %.2f ms, p90 %.2f ms, min %.2f ms, max %.2f ms (%d runs)",
                sorted[sorted.length / 2] / 1e6,
                sorted[(int) (sorted.length * 0.9)] / 1e6,
                sorted[0] / 1e6,
                sorted[sorted.length - 1] / 1e6,
                sorted.length);
    }
}
