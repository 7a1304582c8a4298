package io.understudy.admin.metrics;

import io.understudy.testkit.FreePorts;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A real Prometheus server ({@code /usr/bin/prometheus}, Debian package {@code prometheus}) in a temp directory,
 * scraping one target on loopback every second, queried through its HTTP API. {@link #close()} kills it and deletes
 * the directory.
 */
final class PrometheusServer implements AutoCloseable {
    static final Path BINARY = Path.of("/usr/bin/prometheus");

    private static final HttpClient CLIENT =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    /** One instant-vector element of a query result: its labels and value. */
    private static final Pattern ELEMENT =
            Pattern.compile("\\{\"metric\":\\{([^}]*)},\"value\":\\[[0-9.]+,\"([^\"]*)\"]}");

    private final Path dir;
    private final int port;
    private final Process process;

    /** One element of an instant query's result. */
    record Element(String labels, String value) {
        boolean has(String label, String labelValue) {
            return labels.contains("\"" + label + "\":\"" + labelValue + "\"");
        }
    }

    private PrometheusServer(Path dir, int port, Process process) {
        this.dir = dir;
        this.port = port;
        this.process = process;
    }

    /** Starts Prometheus scraping {@code http://127.0.0.1:<targetPort><path>} every second; waits until ready. */
    static PrometheusServer start(int targetPort, String path) throws IOException, InterruptedException {
        Path dir = Files.createTempDirectory("understudy-prometheus-");
        int port = FreePorts.find();
        Files.writeString(
                dir.resolve("prometheus.yml"),
                String.join(
                        "\n",
                        "global:",
                        "  scrape_interval: 1s",
                        "  scrape_timeout: 1s",
                        "  evaluation_interval: 1s",
                        "scrape_configs:",
                        "  - job_name: understudy",
                        "    metrics_path: " + path,
                        "    static_configs:",
                        "      - targets: ['127.0.0.1:" + targetPort + "']",
                        ""));
        Process p;
        try {
            p = new ProcessBuilder(
                            BINARY.toString(),
                            "--config.file=" + dir.resolve("prometheus.yml"),
                            "--web.listen-address=127.0.0.1:" + port,
                            "--storage.tsdb.path=" + dir.resolve("data"),
                            "--log.level=warn")
                    .redirectErrorStream(true)
                    .redirectOutput(dir.resolve("prometheus.log").toFile())
                    .start();
        } catch (IOException e) {
            // No binary (or it cannot run): nothing was started, but the temporary directory must not stay behind.
            deleteTree(dir);
            throw e;
        }
        PrometheusServer server = new PrometheusServer(dir, port, p);
        try {
            server.awaitReady(Duration.ofSeconds(30));
        } catch (RuntimeException e) {
            server.close();
            throw e;
        }
        return server;
    }

    private void awaitReady(Duration timeout) {
        try {
            org.awaitility.Awaitility.await()
                    .atMost(timeout)
                    .pollInterval(Duration.ofMillis(100))
                    .ignoreExceptionsInstanceOf(IOException.class)
                    .until(() -> {
                        if (!process.isAlive()) {
                            throw new IllegalStateException("prometheus exited: " + log());
                        }
                        return get("/-/ready").statusCode() == 200;
                    });
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new IllegalStateException("prometheus not ready after " + timeout + ": " + log(), e);
        }
    }

    /** The result of an instant query (PromQL), each element's labels and value. */
    List<Element> query(String promql) throws IOException, InterruptedException {
        HttpResponse<String> r = get("/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8));
        if (r.statusCode() != 200 || !r.body().contains("\"status\":\"success\"")) {
            throw new IllegalStateException("query " + promql + " failed: " + r.statusCode() + " " + r.body());
        }
        List<Element> out = new ArrayList<>();
        Matcher m = ELEMENT.matcher(r.body());
        while (m.find()) {
            out.add(new Element(m.group(1), m.group(2)));
        }
        return out;
    }

    /** The metadata (type, help) the target's scrapes gave for {@code family}, from {@code /api/v1/targets/metadata}. */
    String targetMetadata(String family) throws IOException, InterruptedException {
        return get("/api/v1/targets/metadata?metric=" + URLEncoder.encode(family, StandardCharsets.UTF_8))
                .body();
    }

    /** The target's last scrape health and error, from {@code /api/v1/targets}. */
    String targets() throws IOException, InterruptedException {
        return get("/api/v1/targets").body();
    }

    String log() {
        try {
            return Files.readString(dir.resolve("prometheus.log"));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    private HttpResponse<String> get(String pathAndQuery) throws IOException, InterruptedException {
        HttpRequest req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + pathAndQuery))
                .timeout(Duration.ofSeconds(10))
                .build();
        return CLIENT.send(req, HttpResponse.BodyHandlers.ofString());
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        deleteTree(dir);
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException e) {
            // Best effort: a leftover temp directory must not fail the test.
        }
    }
}
