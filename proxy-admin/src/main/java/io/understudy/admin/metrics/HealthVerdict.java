package io.understudy.admin.metrics;

import io.understudy.admin.metrics.ProxyReading.BackendRow;
import io.understudy.admin.metrics.ProxyReading.FrontendRow;

/**
 * The answer of {@code GET /health} for keepalived, load balancers and orchestrators: healthy when every frontend is
 * accepting connections ({@code OPEN}) and every backend has a server that can take a new session; otherwise the
 * first thing found wrong, in one line.
 *
 * @param healthy whether to answer 200 (else 503)
 * @param reason {@code OK}, or what is wrong, e.g. {@code backend 'MySQL' has no server available}
 */
public record HealthVerdict(boolean healthy, String reason) {
    /** Judges one reading. */
    public static HealthVerdict of(ProxyReading reading) {
        for (FrontendRow f : reading.frontends()) {
            if (!f.status().equals("OPEN")) {
                return new HealthVerdict(
                        false, "frontend '" + f.name() + "' is not accepting connections (" + f.status() + ")");
            }
        }
        for (BackendRow b : reading.backends()) {
            // The same words as the proxy's log line when it happens ("backend 'X' has no server available!").
            if (b.activeServers() + b.backupServers() == 0) {
                return new HealthVerdict(false, "backend '" + b.name() + "' has no server available");
            }
        }
        return new HealthVerdict(true, "OK");
    }
}
