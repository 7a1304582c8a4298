package io.understudy.admin.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.understudy.admin.command.GreetingServer;
import io.understudy.testkit.FreePorts;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A real Prometheus ({@code /usr/bin/prometheus}) scrapes the exporter with {@code prefix = haproxy}, and queries of
 * the haproxy-mixin's dashboards (grafana/jsonnet-libs, {@code haproxy-mixin/dashboards_out/haproxy-backend.json},
 * dashboard "HAProxy / Backend"), with the dashboard's variables filled in, return data. Prometheus asks for OpenMetrics
 * first, so this is also a real parser reading our OpenMetrics.
 */
@Timeout(120)
class PrometheusMixinQueryTest {
    /** Panel "Servers" (row "Servers"): {@code haproxy_server_status{instance=~"$instance",job=~"$job",proxy=~"$backend"}}. */
    static final String SERVERS_PANEL = "haproxy_server_status{instance=~\".*\",job=~\"understudy\",proxy=~\"MySQL\"}";

    /**
     * Panel "Bytes in/out" (row "Requests"), its "out" target: {@code
     * rate(haproxy_backend_bytes_out_total{instance=~"$instance",job=~"$job",proxy=~"$backend"}[$__rate_interval])},
     * with {@code $__rate_interval} as Grafana sets it for a 1 s scrape interval and a short range (at least 4 scrape
     * intervals; 1m here).
     */
    static final String BYTES_OUT_PANEL =
            "rate(haproxy_backend_bytes_out_total{instance=~\".*\",job=~\"understudy\",proxy=~\"MySQL\"}[1m])";

    @Test
    void mixinBackendDashboardQueriesReturnData() throws Exception {
        try (GreetingServer db = GreetingServer.start("5.5.5-10.11.6-MariaDB");
                TestProxy proxy = TestProxy.started(TestProxy.activeBackup(List.of(db.port(), FreePorts.find()), ""));
                MetricsServer metrics = new MetricsServer(
                        new MetricsSettings(new InetSocketAddress("127.0.0.1", 0), "/metrics", "haproxy"),
                        proxy.context)) {
            metrics.start();
            PrometheusServer prometheus =
                    PrometheusServer.start(metrics.address().getPort(), "/metrics");
            try {
                // Servers table: one series per server and state, Primary's UP at 1 (no check: UP, as in HAProxy).
                await().atMost(Duration.ofSeconds(30))
                        .pollInterval(Duration.ofMillis(250))
                        .untilAsserted(() -> assertThat(prometheus.query(SERVERS_PANEL))
                                .as("targets: " + prometheus.targets())
                                .hasSize(10)
                                .anySatisfy(e -> {
                                    assertThat(e.has("server", "Primary")).isTrue();
                                    assertThat(e.has("state", "UP")).isTrue();
                                    assertThat(e.value()).isEqualTo("1");
                                }));
                // Traffic after the first scrapes, so that the counter rises between two of them.
                await().atMost(Duration.ofSeconds(30))
                        .pollInterval(Duration.ofMillis(250))
                        .until(() -> !prometheus.query(BYTES_OUT_PANEL).isEmpty());
                await().atMost(Duration.ofSeconds(30))
                        .pollInterval(Duration.ofMillis(500))
                        .untilAsserted(() -> {
                            greet(proxy.port());
                            assertThat(prometheus.query(BYTES_OUT_PANEL))
                                    .singleElement()
                                    .satisfies(e -> {
                                        assertThat(e.has("proxy", "MySQL")).isTrue();
                                        assertThat(Double.parseDouble(e.value()))
                                                .isPositive();
                                    });
                        });
                // Prometheus read OpenMetrics: the family's metadata has the counter's name without _total.
                assertThat(prometheus.targetMetadata("haproxy_backend_bytes_out"))
                        .contains("\"type\":\"counter\"");
                assertThat(prometheus.targetMetadata("haproxy_backend_active_server"))
                        .contains("\"type\":\"info\"");
            } finally {
                prometheus.close();
            }
        }
    }

    /** One client session through the proxy: connect, read the server's greeting, quit. */
    private static void greet(int port) throws Exception {
        try (Socket client = new Socket("127.0.0.1", port)) {
            client.setSoTimeout(5000);
            assertThat(GreetingServer.readGreeting(client.getInputStream())).startsWith("5.5.5");
        }
    }
}
