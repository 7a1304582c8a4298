package io.understudy.admin.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.understudy.testkit.FreePorts;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Prometheus's own linter accepts a scrape: {@code promtool check metrics} (Debian package {@code prometheus}) over
 * the exposition of a proxy with a checked server that passes (L4OK), one that fails (L4CON), JVM and Netty metrics,
 * under both prefixes.
 */
@Timeout(60)
class PromtoolTest {
    static final Path PROMTOOL = Path.of("/usr/bin/promtool");

    @TempDir
    Path dir;

    @Test
    void promtoolAcceptsTheExposition() throws Exception {
        assertThat(PROMTOOL)
                .as("promtool is missing: apt-get install prometheus (scripts/test.sh should install it)")
                .isExecutable();
        try (ServerSocket listening = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
                TestProxy proxy = TestProxy.started(TestProxy.activeBackup(
                        List.of(listening.getLocalPort(), FreePorts.find()),
                        "check { type = tcp, inter = 200ms, fastinter = 100ms, downinter = 200ms }"))) {
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> checkStatus(proxy, "Primary").equals("L4OK")
                            && checkStatus(proxy, "Secondary").equals("L4CON"));
            for (String prefix : List.of("understudy", "haproxy")) {
                MetricsSettings settings =
                        new MetricsSettings(new InetSocketAddress("127.0.0.1", 0), "/metrics", prefix);
                try (MetricsServer server = new MetricsServer(settings, proxy.context)) {
                    server.start();
                    // Wait until checks completed since the server started, so the check histogram has counts.
                    String body = await().atMost(Duration.ofSeconds(10))
                            .until(() -> Http.get(server.address(), "/metrics").body(), b -> new Scrape(b)
                                    .find(prefix + "_server_check_time_seconds_count", "server", "Primary").stream()
                                            .anyMatch(x -> x.value() > 0));
                    Scrape s = new Scrape(body);
                    assertThat(s.get(prefix + "_server_check_status", "server", "Secondary", "state", "L4CON"))
                            .isEqualTo(1);
                    assertThat(s.find(prefix + "_server_check_time_seconds_count", "server", "Primary"))
                            .singleElement()
                            .satisfies(x -> assertThat(x.value()).isPositive());
                    String verdict = promtool(body);
                    System.out.println("promtool check metrics (" + prefix + ", " + body.length() + " bytes): "
                            + (verdict.isBlank() ? "no problems" : verdict));
                }
            }
        }
    }

    private static String checkStatus(TestProxy proxy, String server) {
        return proxy.health
                .snapshot(proxy.server(server))
                .orElseThrow()
                .status()
                .name();
    }

    /** Runs {@code promtool check metrics} on {@code exposition}; fails with its output unless it exits 0. */
    private String promtool(String exposition) throws IOException, InterruptedException {
        Path in = dir.resolve("scrape.txt");
        Files.writeString(in, exposition, StandardCharsets.UTF_8);
        Process p = new ProcessBuilder(PROMTOOL.toString(), "check", "metrics")
                .redirectInput(in.toFile())
                .redirectErrorStream(true)
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("promtool check metrics said:\n" + out).isZero();
        return out.trim();
    }
}
