package io.understudy.admin.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.understudy.admin.stats.StatRow;
import io.understudy.admin.stats.StatsSnapshot;
import io.understudy.testkit.MariaDbExtension;
import java.net.InetSocketAddress;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The metrics of a proxy in front of real MariaDB servers (primary + backup, mysql-check): a real Prometheus server
 * scraping them sees the primary go DOWN and the traffic move to the backup when the primary's mariadbd is killed, and
 * the values of a scrape agree with the counters behind {@code show stat}.
 */
@Timeout(180)
class RealMariaDbMetricsTest {
    @RegisterExtension
    static MariaDbExtension db = MariaDbExtension.primaryBackup();

    private TestProxy proxy;
    private MetricsServer metrics;

    @BeforeEach
    void start() throws Exception {
        proxy = TestProxy.started(TestProxy.activeBackup(
                List.of(db.primary().port(), db.backup().port()), "check { type = mysql, user = haproxy }"));
        metrics = new MetricsServer(new MetricsSettings(new InetSocketAddress("127.0.0.1", 0)), proxy.context);
        metrics.start();
        await().atMost(Duration.ofSeconds(15))
                .until(() -> checkStatus("Primary").equals("L7OK")
                        && checkStatus("Secondary").equals("L7OK"));
    }

    @AfterEach
    void stop() {
        if (metrics != null) {
            metrics.close();
        }
        if (proxy != null) {
            proxy.close();
        }
    }

    @Test
    void prometheusSeesThePrimaryGoDownAndTrafficMoveToTheBackup() throws Exception {
        PrometheusServer prometheus = PrometheusServer.start(metrics.address().getPort(), "/metrics");
        try {
            String primaryUp = "understudy_server_status{proxy=\"MySQL\",server=\"Primary\",state=\"UP\"}";
            String activeServer = "understudy_backend_active_server_info{proxy=\"MySQL\"}";
            awaitQuery(prometheus, primaryUp, "1");
            assertThat(prometheus.query(activeServer))
                    .singleElement()
                    .satisfies(e -> assertThat(e.has("server", "Primary")).isTrue());

            long killedAt = System.nanoTime();
            db.primary().kill9();
            awaitQuery(prometheus, primaryUp, "0");
            System.out.printf(
                    "Prometheus saw Primary's state=\"UP\" go 1 -> 0 %d ms after kill -9%n",
                    (System.nanoTime() - killedAt) / 1_000_000);
            await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> assertThat(prometheus.query(activeServer))
                    .singleElement()
                    .satisfies(e -> assertThat(e.has("server", "Secondary")).isTrue()));
            assertThat(prometheus.query("understudy_server_status{proxy=\"MySQL\",server=\"Primary\",state=\"DOWN\"}"))
                    .singleElement()
                    .satisfies(e -> assertThat(e.value()).isEqualTo("1"));
            awaitQuery(prometheus, "understudy_backend_failovers_total{proxy=\"MySQL\"}", "1");
            awaitQuery(prometheus, "understudy_backend_active_servers{proxy=\"MySQL\"}", "0");
            awaitQuery(prometheus, "understudy_backend_backup_servers{proxy=\"MySQL\"}", "1");
            assertThat(prometheus.query("up{job=\"understudy\"}"))
                    .singleElement()
                    .satisfies(e -> assertThat(e.value()).isEqualTo("1"));
        } finally {
            prometheus.close();
        }
    }

    @Test
    void aScrapeAgreesWithShowStatTakenAroundIt() throws Exception {
        String url = "jdbc:mysql://127.0.0.1:" + proxy.port() + "/test?user=app&password=app&sslMode=DISABLED";
        try (Connection held = DriverManager.getConnection(url)) {
            try (Connection shortLived = DriverManager.getConnection(url)) {
                query(shortLived, "SELECT REPEAT('x', 10000)");
            }
            query(held, "SELECT @@server_id");
            await().atMost(Duration.ofSeconds(5))
                    .until(() -> proxy.engine.backends().get(0).counters().currentSessions() == 1);
            // Every ended session reaches the histogram, however short (the registry tells the metrics).
            await().atMost(Duration.ofSeconds(5))
                    .until(() ->
                            new Scrape(Http.get(metrics.address(), "/metrics").body())
                                            .get("understudy_backend_session_duration_seconds_count", "proxy", "MySQL")
                                    == 1);

            // show stat just before and just after the scrape: every value scraped must be one of the two.
            StatsSnapshot before = StatsSnapshot.capture(proxy.context);
            Scrape s = new Scrape(Http.get(metrics.address(), "/metrics").body());
            StatsSnapshot after = StatsSnapshot.capture(proxy.context);
            int compared = 0;
            for (StatRow row : before.rows()) {
                StatRow later = after.row(row.proxyName(), row.serviceName()).orElseThrow();
                compared += ShowStatAgreement.assertAgree(s, "understudy", row, later);
            }
            System.out.println("scrape agrees with show stat on " + compared + " values of "
                    + before.rows().size() + " rows");

            assertThat(s.get("understudy_server_sessions_total", "server", "Primary"))
                    .isEqualTo(2);
            assertThat(s.get("understudy_server_bytes_out_total", "server", "Primary"))
                    .isGreaterThan(10_000);
            assertThat(s.state("understudy_server_check_status", "server", "Primary"))
                    .hasValue("L7OK");
            assertThat(s.get("understudy_backend_session_duration_seconds_count", "proxy", "MySQL"))
                    .isEqualTo(1);
            assertThat(s.get("understudy_server_check_time_seconds_count", "server", "Primary"))
                    .isPositive();
            // After COM_QUIT either side may close first: client_closed or server_closed, one session either way.
            assertThat(s.get("understudy_sessions_terminated_total", "proxy", "MySQL", "cause", "client_closed")
                            + s.get("understudy_sessions_terminated_total", "proxy", "MySQL", "cause", "server_closed"))
                    .isEqualTo(1);
            assertThat(s.find("understudy_sessions_terminated_total").stream()
                            .mapToDouble(Scrape.Sample::value)
                            .sum())
                    .isEqualTo(1);
        }
    }

    private static void awaitQuery(PrometheusServer prometheus, String promql, String value) {
        await().atMost(Duration.ofSeconds(20))
                .pollInterval(Duration.ofMillis(250))
                .untilAsserted(() -> assertThat(prometheus.query(promql))
                        .as(promql + "\ntargets: " + prometheus.targets())
                        .singleElement()
                        .satisfies(e -> assertThat(e.value()).isEqualTo(value)));
    }

    private String checkStatus(String server) {
        return proxy.health
                .snapshot(proxy.server(server))
                .orElseThrow()
                .status()
                .name();
    }

    private static void query(Connection c, String sql) throws Exception {
        try (Statement st = c.createStatement();
                ResultSet rs = st.executeQuery(sql)) {
            while (rs.next()) {
                rs.getString(1);
            }
        }
    }
}
