package io.understudy.admin.metrics;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** A small HTTP client for the metrics server in tests. */
final class Http {
    private static final HttpClient CLIENT =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private Http() {}

    static HttpResponse<String> get(InetSocketAddress server, String path) throws IOException, InterruptedException {
        return send(server, path, "GET");
    }

    static HttpResponse<String> send(InetSocketAddress server, String path, String method)
            throws IOException, InterruptedException {
        return CLIENT.send(request(server, path, method).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** A GET with an {@code Accept} header. */
    static HttpResponse<String> get(InetSocketAddress server, String path, String accept)
            throws IOException, InterruptedException {
        return CLIENT.send(
                request(server, path, "GET").header("Accept", accept).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpRequest.Builder request(InetSocketAddress server, String path, String method) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.getPort() + path))
                .timeout(Duration.ofSeconds(20))
                .method(method, HttpRequest.BodyPublishers.noBody());
    }
}
