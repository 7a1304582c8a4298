package io.understudy.admin.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.understudy.core.Commands;
import io.understudy.core.model.AdminMode;
import io.understudy.testkit.FreePorts;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.assertj.core.data.Percentage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What a scrape can ask for: the format by {@code Accept} (OpenMetrics or the text format 0.0.4), the part by
 * {@code ?scope=}, servers in maintenance left out by {@code ?no-maint}, HEAD; against a proxy whose two servers are
 * checked (TCP checks): Primary listens (L4OK, UP), Secondary does not (L4CON, DOWN).
 */
@Timeout(60)
class MetricsExpositionTest {
    /** What Prometheus 2.42 (Debian 12's) sends when it scrapes. */
    static final String PROMETHEUS_ACCEPT = "application/openmetrics-text;version=1.0.0,application/openmetrics-text;"
            + "version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1";

    static final String OPENMETRICS = "application/openmetrics-text; version=1.0.0; charset=utf-8";
    static final String TEXT = "text/plain; version=0.0.4; charset=utf-8";

    private ServerSocket primary;
    private TestProxy proxy;
    private MetricsServer server;

    @BeforeEach
    void start() throws Exception {
        primary = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        proxy = TestProxy.started(TestProxy.activeBackup(
                List.of(primary.getLocalPort(), FreePorts.find()),
                "check { type = tcp, inter = 200ms, fastinter = 100ms, downinter = 200ms }"));
        server = new MetricsServer(new MetricsSettings(new InetSocketAddress("127.0.0.1", 0)), proxy.context);
        server.start();
        await().until(() -> {
            Scrape s = new Scrape(get("/metrics").body());
            return s.state("understudy_server_check_status", "server", "Primary")
                            .equals(Optional.of("L4OK"))
                    && s.state("understudy_server_check_status", "server", "Secondary")
                            .equals(Optional.of("L4CON"));
        });
    }

    @AfterEach
    void stop() throws Exception {
        if (primary != null) {
            primary.close();
        }
        if (server != null) {
            server.close();
        }
        if (proxy != null) {
            proxy.close();
        }
    }

    @Test
    void prometheusGetsOpenMetricsWithTheSameSeriesAsTheTextFormat() throws Exception {
        HttpResponse<String> om = Http.get(server.address(), "/metrics", PROMETHEUS_ACCEPT);
        assertThat(om.statusCode()).isEqualTo(200);
        assertThat(om.headers().firstValue("content-type")).hasValue(OPENMETRICS);
        OpenMetricsText parsed = new OpenMetricsText(om.body());
        // The data model's names: a counter without _total, an info metric without _info.
        assertThat(parsed.types)
                .containsEntry("understudy_backend_bytes_in", "counter")
                .containsEntry("understudy_backend_failovers", "counter")
                .containsEntry("understudy_process_build", "info")
                .containsEntry("understudy_backend_active_server", "info")
                .containsEntry("understudy_server_status", "gauge")
                .containsEntry("understudy_server_check_time_seconds", "histogram");
        assertThat(parsed.samples.get("understudy_process_build_info", "version", "0.1.0-test"))
                .isEqualTo(1);
        assertThat(parsed.samples.get("understudy_server_status", "server", "Secondary", "state", "DOWN"))
                .isEqualTo(1);
        assertThat(parsed.samples.get("understudy_backend_active_server_info", "server", "Primary"))
                .isEqualTo(1);

        // Every proxy series of the text format is in the OpenMetrics exposition, under the same sample name.
        Scrape text = new Scrape(get("/metrics").body());
        assertThat(seriesKeys(parsed.samples)).isEqualTo(seriesKeys(text)).isNotEmpty();
    }

    @Test
    void everyOtherClientGetsTheTextFormat() throws Exception {
        for (String accept : List.of(
                "text/plain",
                "text/plain;version=0.0.4",
                "*/*",
                "application/json",
                "application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=delimited")) {
            HttpResponse<String> r = Http.get(server.address(), "/metrics", accept);
            assertThat(r.headers().firstValue("content-type")).as(accept).hasValue(TEXT);
            assertThat(r.body()).as(accept).doesNotContain("# EOF");
            assertThat(new Scrape(r.body()).get("understudy_backend_failovers_total", "proxy", "MySQL"))
                    .isZero();
        }
        HttpResponse<String> none = get("/metrics");
        assertThat(none.headers().firstValue("content-type")).hasValue(TEXT);
        assertThat(none.body())
                .contains("# TYPE understudy_backend_failovers_total counter\n")
                .contains("# TYPE understudy_process_build_info gauge\n");
    }

    @Test
    void scopeChoosesTheObjectsAndOurSeriesGoWithTheObjectTheyDescribe() throws Exception {
        assertThat(objects("")).containsExactly("backend", "frontend", "other", "process", "server", "sessions");
        assertThat(objects("?scope=*")).isEqualTo(objects(""));
        assertThat(objects("?scope=global")).containsExactly("other", "process");
        assertThat(objects("?scope=frontend")).containsExactly("frontend");
        assertThat(objects("?scope=backend")).containsExactly("backend", "sessions");
        assertThat(objects("?scope=server")).containsExactly("server");
        assertThat(objects("?scope=global&scope=server")).containsExactly("other", "process", "server");
        assertThat(objects("?scope=&scope=frontend")).containsExactly("frontend");

        Scrape global = new Scrape(get("/metrics?scope=global").body());
        assertThat(global.find("jvm_memory_used_bytes")).isNotEmpty();
        assertThat(global.find("netty_allocator_memory_used_bytes")).isNotEmpty();
        Scrape backend = new Scrape(get("/metrics?scope=backend").body());
        assertThat(backend.find("understudy_backend_failovers_total")).hasSize(1);
        assertThat(backend.find("understudy_backend_active_server_info")).hasSize(1);
        assertThat(backend.find("understudy_backend_session_duration_seconds_count"))
                .hasSize(1);
        assertThat(backend.find("understudy_sessions_terminated_total")).isNotEmpty();
        Scrape servers = new Scrape(get("/metrics?scope=server").body());
        assertThat(servers.find("understudy_server_check_time_seconds_count")).hasSize(2);

        // Nothing chosen: an empty exposition, as HAProxy answers.
        for (String query : List.of("?scope=", "?scope=server&scope=", "?scope=listener", "?scope=sticktable")) {
            HttpResponse<String> r = get("/metrics" + query);
            assertThat(r.statusCode()).as(query).isEqualTo(200);
            assertThat(r.body()).as(query).isEmpty();
        }
        HttpResponse<String> emptyOm = Http.get(server.address(), "/metrics?scope=", PROMETHEUS_ACCEPT);
        assertThat(emptyOm.body()).isEqualTo("# EOF\n");
    }

    @Test
    void anUnknownScopeIs400NamingIt() throws Exception {
        for (String query : List.of("?scope=foo", "?scope=Global", "?scope=global&scope=nope", "?scope")) {
            HttpResponse<String> r = get("/metrics" + query);
            assertThat(r.statusCode()).as(query).isEqualTo(400);
            assertThat(r.headers().firstValue("content-type")).hasValue(MetricsHttpHandler.TEXT_CONTENT_TYPE);
            assertThat(r.body()).as(query).startsWith("bad request: ").doesNotContain("understudy_");
        }
        assertThat(get("/metrics?scope=foo").body())
                .isEqualTo("bad request: unknown scope 'foo': expected global, frontend, backend, server, listener,"
                        + " sticktable or *\n");
        assertThat(get("/metrics?scope=global").statusCode()).isEqualTo(200);
    }

    @Test
    void noMaintLeavesServersInMaintenanceOutOfTheServerSeriesOnly() throws Exception {
        maint("Secondary", true);
        Scrape all = new Scrape(get("/metrics").body());
        assertThat(all.state("understudy_server_status", "server", "Secondary")).hasValue("MAINT");
        assertThat(all.find("understudy_server_check_time_seconds_count", "server", "Secondary"))
                .hasSize(1);

        Scrape noMaint = new Scrape(get("/metrics?no-maint").body());
        assertThat(noMaint.samples)
                .filteredOn(x -> x.name().startsWith("understudy_server_"))
                .isNotEmpty()
                .noneMatch(x -> "Secondary".equals(x.labels().get("server")));
        assertThat(noMaint.state("understudy_server_status", "server", "Primary"))
                .hasValue("UP");
        assertThat(noMaint.find("understudy_server_check_time_seconds_count", "server", "Primary"))
                .hasSize(1);
        // The backend still counts it, as in HAProxy.
        assertThat(noMaint.get("understudy_backend_agg_server_status", "proxy", "MySQL", "state", "MAINT"))
                .isEqualTo(1);
        // Same everywhere but the server series.
        assertThat(seriesKeys(noMaint).stream().filter(k -> !k.startsWith("understudy_server_")))
                .containsExactlyInAnyOrderElementsOf(seriesKeys(all).stream()
                        .filter(k -> !k.startsWith("understudy_server_"))
                        .toList());

        // Every server in maintenance: no server family at all, not even its HELP and TYPE lines.
        maint("Primary", true);
        assertThat(get("/metrics?scope=server&no-maint=0").body()).isEmpty();
        assertThat(get("/metrics?scope=server").body()).contains("understudy_server_status{");
    }

    @Test
    void headAnswersTheHeadersOfAGetWithoutTheBody() throws Exception {
        try (Socket s = new Socket("127.0.0.1", server.address().getPort())) {
            s.setSoTimeout(10_000);
            String head = exchange(s, "HEAD /metrics?scope=global HTTP/1.1\r\nHost: x\r\n\r\n", false);
            assertThat(head).startsWith("HTTP/1.1 200 OK\r\n");
            assertThat(header(head, "content-type")).isEqualTo(TEXT);
            int length = Integer.parseInt(header(head, "content-length"));
            // No body followed: the next answer on the connection starts right after the headers.
            String get = exchange(s, "GET /metrics?scope=global HTTP/1.1\r\nHost: x\r\n\r\n", true);
            assertThat(get).startsWith("HTTP/1.1 200 OK\r\n");
            assertThat(header(get, "content-type")).isEqualTo(TEXT);
            // The same exposition a moment later: about the same size (JVM figures move a few digits).
            assertThat(Integer.parseInt(header(get, "content-length")))
                    .isCloseTo(length, Percentage.withPercentage(10));

            String om = exchange(
                    s, "HEAD /metrics HTTP/1.1\r\nHost: x\r\nAccept: " + PROMETHEUS_ACCEPT + "\r\n\r\n", false);
            assertThat(header(om, "content-type")).isEqualTo(OPENMETRICS);
            String health = exchange(s, "HEAD /health HTTP/1.1\r\nHost: x\r\n\r\n", false);
            assertThat(health).startsWith("HTTP/1.1 200 OK\r\n");
            assertThat(header(health, "content-length")).isEqualTo("3");
            String bad = exchange(s, "HEAD /metrics?scope=foo HTTP/1.1\r\nHost: x\r\n\r\n", false);
            assertThat(bad).startsWith("HTTP/1.1 400 Bad Request\r\n");
            // Still in step: a GET's whole answer comes next.
            assertThat(exchange(s, "GET /health HTTP/1.1\r\nHost: x\r\n\r\n", true))
                    .startsWith("HTTP/1.1 200 OK\r\n")
                    .endsWith("\r\n\r\nOK\n");
        }
    }

    private void maint(String name, boolean on) {
        Commands.mode(proxy.engine.control(), proxy.server(name), on ? AdminMode.MAINT : AdminMode.READY);
    }

    private HttpResponse<String> get(String path) throws Exception {
        return Http.get(server.address(), path);
    }

    /**
     * Which objects a scrape has series of: the word after {@code understudy_} ({@code process}, {@code frontend},
     * {@code backend}, {@code server}, {@code sessions}), {@code other} for the JVM's and Netty's.
     */
    private Set<String> objects(String query) throws Exception {
        HttpResponse<String> r = get("/metrics" + query);
        assertThat(r.statusCode()).as(query).isEqualTo(200);
        return new Scrape(r.body())
                .samples.stream()
                        .map(x -> x.name().startsWith("understudy_") ? x.name().split("_")[1] : "other")
                        .collect(Collectors.toCollection(TreeSet::new));
    }

    /** Sample name and labels of every proxy series. */
    private static Set<String> seriesKeys(Scrape s) {
        return s.samples.stream()
                .filter(x -> x.name().startsWith("understudy_"))
                .map(x -> x.name() + x.labels())
                .collect(Collectors.toCollection(TreeSet::new));
    }

    /** Sends {@code request}; reads the answer's headers, and its body by Content-Length when {@code body}. */
    private static String exchange(Socket s, String request, boolean body) throws Exception {
        OutputStream out = s.getOutputStream();
        out.write(request.getBytes(StandardCharsets.US_ASCII));
        out.flush();
        InputStream in = s.getInputStream();
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int c = in.read();
            if (c < 0) {
                throw new AssertionError("connection closed after: " + head);
            }
            head.append((char) c);
        }
        if (!body) {
            return head.toString();
        }
        byte[] content = in.readNBytes(Integer.parseInt(header(head.toString(), "content-length")));
        return head + new String(content, StandardCharsets.UTF_8);
    }

    private static String header(String head, String name) {
        for (String line : head.split("\r\n")) {
            if (line.toLowerCase(Locale.ROOT).startsWith(name + ":")) {
                return line.substring(name.length() + 1).trim();
            }
        }
        throw new AssertionError("no " + name + " in " + head);
    }
}
