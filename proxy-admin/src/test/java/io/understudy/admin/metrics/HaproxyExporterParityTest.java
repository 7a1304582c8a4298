package io.understudy.admin.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.understudy.core.Commands;
import io.understudy.core.model.AdminMode;
import io.understudy.testkit.FreePorts;
import io.understudy.testkit.HaproxyProcess;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The same queries to Debian's HAProxy 2.6.12 exporter and to ours, on the same topology ({@code listen MySQL}, an
 * active and a backup server, checked, nobody listening): the same status for every {@code ?scope=} and
 * {@code ?no-maint} query, the same objects in every answer, the same servers left out by {@code no-maint}, and HEAD
 * answered with a text-format content type and no body by both.
 */
@Timeout(90)
class HaproxyExporterParityTest {
    private static final List<String> QUERIES = List.of(
            "",
            "?scope=",
            "?scope=global",
            "?scope=frontend",
            "?scope=backend",
            "?scope=server",
            "?scope=*",
            "?scope=global&scope=server",
            "?scope=server&scope=",
            "?scope=&scope=server",
            "?scope=listener",
            "?scope=sticktable",
            "?scope=foo",
            "?scope=Global",
            "?scope",
            "?scope=global&scope=foo",
            "?no-maint",
            "?scope=server&no-maint",
            "?foo=bar");

    /** HAProxy's objects; Understudy's own words ({@code sessions}) and the JVM's series are no part of the parity. */
    private static final Set<String> HAPROXY_OBJECTS = Set.of("process", "frontend", "backend", "server");

    @TempDir
    Path dir;

    @Test
    void scopeNoMaintAndHeadAnswerAsHaproxysExporter() throws Exception {
        int promPort = FreePorts.find();
        int primary = FreePorts.find();
        int secondary = FreePorts.find();
        Path admin = dir.resolve("admin.sock");
        String cfg = String.join(
                "\n",
                "global",
                "  stats socket " + admin + " level admin",
                "defaults",
                "  timeout connect 1s",
                "  timeout client 10s",
                "  timeout server 10s",
                "frontend prom",
                "  mode http",
                "  bind 127.0.0.1:" + promPort,
                "  http-request use-service prometheus-exporter if { path /metrics }",
                "listen MySQL",
                "  mode tcp",
                "  bind 127.0.0.1:" + FreePorts.find(),
                "  server Primary 127.0.0.1:" + primary + " check inter 500",
                "  server Secondary 127.0.0.1:" + secondary + " check backup inter 500",
                "");
        InetSocketAddress theirs = new InetSocketAddress("127.0.0.1", promPort);
        try (HaproxyProcess haproxy = HaproxyProcess.start(dir, cfg, List.of(admin));
                TestProxy proxy =
                        TestProxy.started(TestProxy.activeBackup(List.of(primary, secondary), "check = true"));
                MetricsServer metrics = new MetricsServer(
                        new MetricsSettings(new InetSocketAddress("127.0.0.1", 0), "/metrics", "haproxy"),
                        proxy.context)) {
            metrics.start();
            InetSocketAddress ours = metrics.address();
            await("HAProxy's exporter on " + theirs + " (log: " + haproxy.dir().resolve("haproxy.log") + ")")
                    .atMost(Duration.ofSeconds(20))
                    .ignoreExceptions()
                    .until(() -> Http.get(theirs, "/metrics").statusCode() == 200);

            compareAll(theirs, ours, "both servers checked");

            cli(admin, "disable server MySQL/Secondary");
            Commands.mode(proxy.engine.control(), proxy.server("Secondary"), AdminMode.MAINT);
            compareAll(theirs, ours, "Secondary in maintenance");
            for (InetSocketAddress exporter : List.of(theirs, ours)) {
                assertThat(servers(Http.get(exporter, "/metrics?scope=server&no-maint")
                                .body()))
                        .as(exporter.toString())
                        .containsExactly("Primary");
                assertThat(servers(Http.get(exporter, "/metrics?scope=server").body()))
                        .as(exporter.toString())
                        .containsExactly("Primary", "Secondary");
            }

            for (InetSocketAddress exporter : List.of(theirs, ours)) {
                HttpResponse<String> head = Http.send(exporter, "/metrics?scope=global", "HEAD");
                assertThat(head.statusCode()).as(exporter.toString()).isEqualTo(200);
                assertThat(head.headers().firstValue("content-type").orElseThrow())
                        .startsWith("text/plain; version=0.0.4");
                assertThat(head.body()).isEmpty();
            }
            System.out.println("compared " + QUERIES.size() + " queries twice with " + HaproxyProcess.version());
        }
    }

    private static void compareAll(InetSocketAddress theirs, InetSocketAddress ours, String when) throws Exception {
        for (String query : QUERIES) {
            HttpResponse<String> t = Http.get(theirs, "/metrics" + query);
            HttpResponse<String> o = Http.get(ours, "/metrics" + query);
            String what = when + ": /metrics" + query;
            assertThat(o.statusCode()).as(what).isEqualTo(t.statusCode());
            if (t.statusCode() == 200) {
                assertThat(objects(o.body())).as(what).isEqualTo(objects(t.body()));
                assertThat(servers(o.body())).as(what).isEqualTo(servers(t.body()));
            }
        }
    }

    /** The HAProxy objects an exposition has series of ({@code haproxy_<object>_...}). */
    private static Set<String> objects(String body) {
        return new Scrape(body)
                .samples.stream()
                        .filter(s -> s.name().startsWith("haproxy_"))
                        .map(s -> s.name().split("_")[1])
                        .filter(HAPROXY_OBJECTS::contains)
                        .collect(Collectors.toCollection(TreeSet::new));
    }

    /** The servers the server series are about. */
    private static Set<String> servers(String body) {
        return new Scrape(body)
                .samples.stream()
                        .filter(s -> s.name().startsWith("haproxy_server_"))
                        .map(s -> s.labels().get("server"))
                        .collect(Collectors.toCollection(TreeSet::new));
    }

    /** One command on HAProxy's admin socket; its answer. */
    private static String cli(Path socket, String command) throws Exception {
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(socket));
            ch.write(ByteBuffer.wrap((command + "\n").getBytes(StandardCharsets.US_ASCII)));
            ByteBuffer buf = ByteBuffer.allocate(4096);
            StringBuilder out = new StringBuilder();
            while (ch.read(buf) >= 0) {
                buf.flip();
                out.append(StandardCharsets.US_ASCII.decode(buf));
                buf.clear();
            }
            return out.toString();
        }
    }
}
