package io.understudy.admin.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.understudy.admin.stats.StatRow;
import io.understudy.admin.stats.StatsSnapshot;
import io.understudy.core.Commands;
import io.understudy.core.model.AdminMode;
import io.understudy.testkit.FreePorts;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The metrics HTTP server against a proxy whose servers are not checked (so always UP, HAProxy's {@code no check}):
 * routes, methods, content type, keep-alive, the connection limit and {@code /health}.
 */
@Timeout(60)
class MetricsServerTest {
    private static final InetSocketAddress ANY_PORT = new InetSocketAddress("127.0.0.1", 0);

    private TestProxy proxy;
    private MetricsServer server;

    @AfterEach
    void tearDown() {
        if (server != null) {
            server.close();
        }
        if (proxy != null) {
            proxy.close();
        }
    }

    private MetricsServer start(boolean startProxy, MetricsSettings settings) throws Exception {
        return start(startProxy, settings, "");
    }

    /** With {@code extra} settings in the listen section. */
    private MetricsServer start(boolean startProxy, MetricsSettings settings, String extra) throws Exception {
        String hocon = TestProxy.activeBackup(List.of(FreePorts.find(), FreePorts.find()), extra);
        proxy = startProxy ? TestProxy.started(hocon) : TestProxy.notStarted(hocon);
        server = new MetricsServer(settings, proxy.context);
        server.start();
        return server;
    }

    @Test
    void servesTheExpositionWithPrometheusContentType() throws Exception {
        start(true, new MetricsSettings(ANY_PORT));
        HttpResponse<String> r = Http.get(server.address(), "/metrics");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("content-type")).hasValue("text/plain; version=0.0.4; charset=utf-8");
        Scrape s = new Scrape(r.body());
        assertThat(s.state("understudy_server_status", "proxy", "MySQL", "server", "Primary"))
                .hasValue("UP");
        // HAProxy's five states, one series each; the Prometheus client prints a family's series sorted by their
        // labels (HAProxy prints DOWN, UP, MAINT, DRAIN, NOLB: docs/metrics.md lists the difference).
        assertThat(s.find("understudy_server_status", "proxy", "MySQL", "server", "Primary"))
                .extracting(x -> x.labels().get("state"))
                .containsExactly("DOWN", "DRAIN", "MAINT", "NOLB", "UP");
        assertThat(s.state("understudy_frontend_status", "proxy", "MySQL")).hasValue("UP");
        assertThat(s.state("understudy_backend_status", "proxy", "MySQL")).hasValue("UP");
        assertThat(s.get("understudy_backend_active_servers", "proxy", "MySQL")).isEqualTo(1);
        assertThat(s.get("understudy_backend_backup_servers", "proxy", "MySQL")).isEqualTo(1);
        assertThat(s.get("understudy_backend_active_server_info", "proxy", "MySQL", "server", "Primary"))
                .isEqualTo(1);
        assertThat(s.find("understudy_backend_active_server_info", "server", "Secondary"))
                .isEmpty();
        // Unchecked servers have no check series, as in HAProxy.
        assertThat(s.find("understudy_server_check_status")).isEmpty();
        assertThat(s.value("understudy_server_limit_sessions", "server", "Primary"))
                .hasValue(Double.NaN);
        assertThat(s.get("understudy_process_build_info", "version", "0.1.0-test"))
                .isEqualTo(1);
        assertThat(s.get("understudy_sessions_terminated_total", "proxy", "MySQL", "cause", "client_closed"))
                .isZero();
        assertThat(s.get("understudy_backend_failovers_total", "proxy", "MySQL"))
                .isZero();
        assertThat(s.find("understudy_backend_last_failover_seconds")).isEmpty();
        assertThat(s.find("jvm_memory_used_bytes")).isNotEmpty();
        assertThat(s.find("jvm_gc_memory_allocated_bytes_total")).isNotEmpty();
        assertThat(s.find("jvm_threads_live_threads")).isNotEmpty();
        assertThat(s.find("netty_allocator_memory_used_bytes", "memory_type", "direct"))
                .isNotEmpty();
        assertThat(s.find("understudy_backend_session_duration_seconds_count", "proxy", "MySQL"))
                .isNotEmpty();
        assertThat(r.body())
                .contains("# HELP understudy_server_status Current status of the service, per state"
                        + " label value.\n# TYPE understudy_server_status gauge\n");
    }

    @Test
    void prefixHaproxyNamesEverySeriesAsHaproxysExporter() throws Exception {
        start(true, new MetricsSettings(ANY_PORT, "/prom", "haproxy"));
        Scrape s = new Scrape(Http.get(server.address(), "/prom").body());
        assertThat(s.state("haproxy_server_status", "proxy", "MySQL", "server", "Primary"))
                .hasValue("UP");
        assertThat(s.get("haproxy_frontend_status", "proxy", "MySQL", "state", "UP"))
                .isEqualTo(1);
        assertThat(s.samples).noneMatch(x -> x.name().startsWith("understudy_"));
        assertThat(Http.get(server.address(), "/metrics").statusCode()).isEqualTo(404);
    }

    /**
     * Every series family the real HAProxy 2.6 exporter (Debian's, scraped; see the resource) has for a {@code mode
     * tcp} proxy exists here with the same type and label names. Left out: HTTP-only families, and HAProxy's own
     * counter without {@code _total} ({@code failed_resolutions}), which is a gauge here.
     */
    @Test
    void everyFamilyOfHaproxysExporterForATcpProxyExistsWithItsTypeAndLabels() throws Exception {
        // Checked servers on ports nobody listens on, as in the capture: Primary fails with L4CON.
        start(true, new MetricsSettings(ANY_PORT, "/prom", "haproxy"), "check = true");
        await().until(() -> new Scrape(Http.get(server.address(), "/prom").body())
                .find("haproxy_server_check_status", "server", "Primary", "state", "L4CON").stream()
                        .anyMatch(x -> x.value() == 1));
        String ours = Http.get(server.address(), "/prom").body();
        String theirs;
        try (var in = getClass().getResourceAsStream("haproxy-2.6.12-prometheus.txt")) {
            theirs = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        }
        Map<String, String> ourTypes = types(ours);
        Map<String, String> theirTypes = types(theirs);
        List<String> missing = new ArrayList<>();
        for (Map.Entry<String, String> e : theirTypes.entrySet()) {
            String name = e.getKey();
            if (name.contains("_http_") || name.contains("intercepted_requests")) {
                continue; // HTTP mode only
            }
            Set<String> theirLabels = labelNames(theirs, name);
            if (theirLabels == null) {
                continue; // HAProxy printed the family without a sample (check_code before an L7 check)
            }
            String type = name.equals("haproxy_process_failed_resolutions") ? "gauge" : e.getValue();
            if (!type.equals(ourTypes.get(name))) {
                missing.add(name + " " + e.getValue() + " (ours: " + ourTypes.get(name) + ")");
                continue;
            }
            Set<String> ourLabels = labelNames(ours, name);
            if (!theirLabels.equals(ourLabels)) {
                missing.add(name + " labels " + theirLabels + " (ours: " + ourLabels + ")");
            }
        }
        assertThat(missing).as("HAProxy families missing or different here").isEmpty();
        Scrape s = new Scrape(ours);
        assertThat(s.get("haproxy_process_max_connections")).isPositive();
        assertThat(s.get("haproxy_process_current_tasks")).isPositive();
        assertThat(s.get("haproxy_server_queue_limit", "server", "Primary")).isNaN();
        assertThat(s.get("haproxy_backend_agg_check_status", "proxy", "MySQL", "state", "L4CON"))
                .as("the checked servers, by check status")
                .isEqualTo(2);
        assertThat(s.get("haproxy_backend_agg_server_check_status", "proxy", "MySQL", "state", "DOWN"))
                .isEqualTo(s.get("haproxy_backend_agg_server_status", "proxy", "MySQL", "state", "DOWN"));
    }

    /** {@code # TYPE} lines: family name to type. */
    private static Map<String, String> types(String text) {
        Map<String, String> out = new java.util.TreeMap<>();
        text.lines().filter(l -> l.startsWith("# TYPE ")).forEach(l -> {
            String[] w = l.split(" ");
            out.put(w[2], w[3]);
        });
        return out;
    }

    /** The label names of the first sample of {@code family}, or null without a sample. */
    private static Set<String> labelNames(String text, String family) {
        return text.lines()
                .filter(l -> l.startsWith(family + "{") || l.startsWith(family + " "))
                .findFirst()
                .map(l -> {
                    Set<String> names = new java.util.TreeSet<>();
                    int open = l.indexOf('{');
                    if (open > 0) {
                        for (String pair : l.substring(open + 1, l.indexOf('}')).split(",")) {
                            names.add(pair.substring(0, pair.indexOf('=')));
                        }
                    }
                    return names;
                })
                .orElse(null);
    }

    @Test
    void routesAndMethods() throws Exception {
        start(true, new MetricsSettings(ANY_PORT));
        assertThat(Http.get(server.address(), "/metrics?scope=server").statusCode())
                .isEqualTo(200);
        HttpResponse<String> post = Http.send(server.address(), "/metrics", "POST");
        assertThat(post.statusCode()).isEqualTo(405);
        assertThat(post.headers().firstValue("allow")).hasValue("GET, HEAD");
        assertThat(Http.send(server.address(), "/health", "DELETE").statusCode())
                .isEqualTo(405);
        assertThat(Http.get(server.address(), "/").statusCode()).isEqualTo(404);
        assertThat(Http.get(server.address(), "/metrics/x").statusCode()).isEqualTo(404);
    }

    @Test
    void keepsTheConnectionAliveBetweenRequests() throws Exception {
        start(true, new MetricsSettings(ANY_PORT));
        try (Socket s = new Socket("127.0.0.1", server.address().getPort())) {
            s.setSoTimeout(5000);
            for (int i = 0; i < 3; i++) {
                String response = request(s, "GET /health HTTP/1.1\r\nHost: x\r\n\r\n");
                assertThat(response).startsWith("HTTP/1.1 200 OK").endsWith("\r\n\r\nOK\n");
            }
            assertThat(server.openConnections()).isEqualTo(1);
        }
    }

    @Test
    void answersPipelinedRequestsInOrder() throws Exception {
        start(true, new MetricsSettings(ANY_PORT));
        try (Socket s = new Socket("127.0.0.1", server.address().getPort())) {
            s.setSoTimeout(5000);
            String two = "GET /health HTTP/1.1\r\nHost: x\r\n\r\nGET /nope HTTP/1.1\r\nHost: x\r\n\r\n";
            assertThat(request(s, two)).startsWith("HTTP/1.1 200 OK");
            assertThat(request(s, "")).startsWith("HTTP/1.1 404 Not Found");
        }
    }

    @Test
    void closesAClientThatPipelinesScrapesWithoutReadingThem() throws Exception {
        start(true, new MetricsSettings(ANY_PORT));
        int asked = 1000;
        try (Socket s = new Socket("127.0.0.1", server.address().getPort())) {
            s.setSoTimeout(10_000);
            s.getOutputStream()
                    .write("GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n"
                            .repeat(asked)
                            .getBytes(StandardCharsets.US_ASCII));
            s.getOutputStream().flush();
            // Not reading: the proxy must give up once the socket buffers are full instead of rendering 1000 scrapes.
            await().atMost(Duration.ofSeconds(30)).until(() -> server.openConnections() == 0);
            byte[] all = s.getInputStream().readAllBytes();
            int answered = new String(all, StandardCharsets.ISO_8859_1).split("HTTP/1.1 200 OK", -1).length - 1;
            System.out.println("a client pipelining " + asked + " scrapes without reading got " + answered
                    + " answers (" + all.length + " bytes) before the close");
            assertThat(answered).isLessThan(asked);
        }
    }

    @Test
    void aConnectionOverTheLimitTakesTheSlotOfTheOneQuietLongest() throws Exception {
        start(true, new MetricsSettings(ANY_PORT, "/metrics", "understudy", 2));
        int port = server.address().getPort();
        try (Socket a = new Socket("127.0.0.1", port)) {
            await().atMost(Duration.ofSeconds(5)).until(() -> server.openConnections() == 1);
            try (Socket b = new Socket("127.0.0.1", port)) {
                await().atMost(Duration.ofSeconds(5)).until(() -> server.openConnections() == 2);
                try (Socket c = new Socket("127.0.0.1", port)) {
                    // a, idle the longest, makes room: its read sees the end of the stream.
                    a.setSoTimeout(5000);
                    assertThat(a.getInputStream().read()).isEqualTo(-1);
                    c.setSoTimeout(5000);
                    assertThat(request(c, "GET /health HTTP/1.1\r\nHost: x\r\n\r\n"))
                            .startsWith("HTTP/1.1 200");
                    b.setSoTimeout(5000);
                    assertThat(request(b, "GET /health HTTP/1.1\r\nHost: x\r\n\r\n"))
                            .startsWith("HTTP/1.1 200");
                }
            }
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> server.openConnections() == 0);
        assertThat(Http.get(server.address(), "/health").statusCode()).isEqualTo(200);
    }

    @Test
    void halfSentRequestsCannotKeepHealthOut() throws Exception {
        start(true, new MetricsSettings(ANY_PORT));
        int port = server.address().getPort();
        List<Socket> slow = new java.util.ArrayList<>();
        try {
            // Every slot taken by a request that never ends (a local user trying to make keepalived's check fail).
            for (int i = 0; i < MetricsSettings.DEFAULT_MAX_CONNECTIONS; i++) {
                Socket s = new Socket("127.0.0.1", port);
                s.getOutputStream().write("GET /health HTTP/1.1\r\nHost: x\r\n".getBytes(StandardCharsets.US_ASCII));
                slow.add(s);
            }
            await().atMost(Duration.ofSeconds(5))
                    .until(() -> server.openConnections() == MetricsSettings.DEFAULT_MAX_CONNECTIONS);
            // keepalived's probe still gets its answer, at once.
            assertThat(Http.get(server.address(), "/health").statusCode()).isEqualTo(200);
            // And each half-sent request is dropped within the request deadline.
            for (Socket s : slow) {
                s.setSoTimeout((RequestDeadline.SECONDS + 5) * 1000);
                try {
                    assertThat(s.getInputStream().read()).isEqualTo(-1);
                } catch (java.net.SocketException reset) {
                    // closed by the server: a reset is as good as the end of the stream here
                }
            }
        } finally {
            for (Socket s : slow) {
                s.close();
            }
        }
        // All gone but the HTTP client's own pooled keep-alive connection.
        await().atMost(Duration.ofSeconds(5)).until(() -> server.openConnections() <= 1);
    }

    @Test
    void healthIs503WithTheReasonWhenNoServerOfABackendIsUsable() throws Exception {
        start(true, new MetricsSettings(ANY_PORT));
        HttpResponse<String> ok = Http.get(server.address(), "/health");
        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(ok.body()).isEqualTo("OK\n");
        assertThat(ok.headers().firstValue("content-type")).hasValue("text/plain; charset=utf-8");

        maint("Primary", true);
        assertThat(Http.get(server.address(), "/health").statusCode()).isEqualTo(200);
        maint("Secondary", true);
        HttpResponse<String> down = Http.get(server.address(), "/health");
        assertThat(down.statusCode()).isEqualTo(503);
        assertThat(down.body()).isEqualTo("backend 'MySQL' has no server available\n");

        maint("Secondary", false);
        assertThat(Http.get(server.address(), "/health").statusCode()).isEqualTo(200);
    }

    @Test
    void aFrontendAtItsMaxconnIsBusyNotUnhealthy() throws Exception {
        // A server that greets and holds the connection, so the one allowed session stays open.
        try (java.net.ServerSocket db = new java.net.ServerSocket(0, 10, java.net.InetAddress.getLoopbackAddress())) {
            Thread acceptor = new Thread(() -> {
                try (java.net.Socket c = db.accept()) {
                    c.getOutputStream().write(io.understudy.admin.command.GreetingServer.packet("G"));
                    c.getInputStream().read();
                } catch (java.io.IOException e) {
                    // closed by the test
                }
            });
            acceptor.setDaemon(true);
            acceptor.start();
            proxy = TestProxy.started(TestProxy.activeBackup(List.of(db.getLocalPort()), "maxconn = 1"));
            server = new MetricsServer(new MetricsSettings(ANY_PORT), proxy.context);
            server.start();
            try (java.net.Socket client = new java.net.Socket("127.0.0.1", proxy.port())) {
                client.setSoTimeout(10_000);
                assertThat(io.understudy.admin.command.GreetingServer.readGreeting(client.getInputStream()))
                        .isEqualTo("G");
                await().atMost(Duration.ofSeconds(5))
                        .until(() -> proxy.engine.frontends().get(0).status()
                                == io.understudy.core.frontend.Frontend.Status.FULL);
                HttpResponse<String> r = Http.get(server.address(), "/health");
                assertThat(r.statusCode()).isEqualTo(200);
                assertThat(r.body()).isEqualTo("OK\n");
            }
        }
    }

    @Test
    void healthIs503WhenAFrontendIsNotListening() throws Exception {
        start(false, new MetricsSettings(ANY_PORT));
        HttpResponse<String> r = Http.get(server.address(), "/health");
        assertThat(r.statusCode()).isEqualTo(503);
        assertThat(r.body()).isEqualTo("frontend 'MySQL' is not accepting connections (STOP)\n");
        Scrape s = new Scrape(Http.get(server.address(), "/metrics").body());
        assertThat(s.state("understudy_frontend_status", "proxy", "MySQL")).hasValue("DOWN");
    }

    @Test
    void countsFailoversAndShowsWhereNewSessionsGo() throws Exception {
        start(true, new MetricsSettings(ANY_PORT));
        maint("Primary", true);
        Scrape s = new Scrape(Http.get(server.address(), "/metrics").body());
        assertThat(s.get("understudy_backend_failovers_total", "proxy", "MySQL"))
                .isEqualTo(1);
        assertThat(s.get("understudy_backend_last_failover_seconds", "proxy", "MySQL"))
                .isBetween(0.0, 10.0);
        assertThat(s.find("understudy_backend_active_server_info", "proxy", "MySQL"))
                .extracting(x -> x.labels().get("server"))
                .containsExactly("Secondary");
        assertThat(s.state("understudy_server_status", "server", "Primary")).hasValue("MAINT");
        assertThat(s.get("understudy_backend_agg_server_status", "proxy", "MySQL", "state", "MAINT"))
                .isEqualTo(1);

        // An outage is not a failover; traffic coming back to the backup it had before is not one either.
        maint("Secondary", true);
        maint("Secondary", false);
        assertThat(server.metrics().failovers("MySQL")).isEqualTo(1);

        // Failback is one.
        maint("Primary", false);
        s = new Scrape(Http.get(server.address(), "/metrics").body());
        assertThat(s.get("understudy_backend_failovers_total", "proxy", "MySQL"))
                .isEqualTo(2);
        assertThat(s.find("understudy_backend_active_server_info", "proxy", "MySQL"))
                .extracting(x -> x.labels().get("server"))
                .containsExactly("Primary");
    }

    @Test
    void everyValueEqualsShowStats() throws Exception {
        start(true, new MetricsSettings(ANY_PORT));
        maint("Secondary", true);
        StatsSnapshot before = StatsSnapshot.capture(proxy.context);
        Scrape s = new Scrape(Http.get(server.address(), "/metrics").body());
        StatsSnapshot after = StatsSnapshot.capture(proxy.context);
        for (StatRow row : before.rows()) {
            ShowStatAgreement.assertAgree(
                    s,
                    "understudy",
                    row,
                    after.row(row.proxyName(), row.serviceName()).orElseThrow());
        }
    }

    private void maint(String name, boolean on) {
        Commands.mode(proxy.engine.control(), proxy.server(name), on ? AdminMode.MAINT : AdminMode.READY);
    }

    /** Sends one request and reads one response whose body length is given by Content-Length. */
    private static String request(Socket s, String request) throws Exception {
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
        int length = 0;
        for (String line : head.toString().split("\r\n")) {
            if (line.toLowerCase(java.util.Locale.ROOT).startsWith("content-length:")) {
                length = Integer.parseInt(line.substring(15).trim());
            }
        }
        byte[] body = in.readNBytes(length);
        return head + new String(body, StandardCharsets.UTF_8);
    }
}
