package io.understudy.admin.metrics;

import io.understudy.admin.stats.RowType;
import io.understudy.admin.stats.StatField;
import io.understudy.admin.stats.StatRow;
import java.util.Optional;

/**
 * The answer of {@code GET /health} for keepalived, load balancers and orchestrators: healthy when every frontend is
 * accepting connections and every backend has a server that can take a new session; otherwise the first thing found
 * wrong, in one line. A frontend at its {@code maxconn} ({@code FULL}) counts as accepting: new connections wait in the
 * kernel's backlog and are served as sessions end, and declaring a merely busy proxy unhealthy would make keepalived
 * move the virtual IP to its peer, which is no less busy, and cut every session in the move.
 *
 * @param healthy whether to answer 200 (else 503)
 * @param reason {@code OK}, or what is wrong, e.g. {@code backend 'MySQL' has no server available}
 */
public record HealthVerdict(boolean healthy, String reason) {
    /** Judges one reading (the same rows {@code show stat} would print). */
    public static HealthVerdict of(ProxyReading reading) {
        return of(reading, Optional.empty());
    }

    /**
     * Judges one reading and, in a pair, whether this proxy has caught up with its peer: a proxy that would route by
     * decisions older than its peer's must not take the virtual IP.
     */
    public static HealthVerdict of(ProxyReading reading, Optional<String> pairNotReady) {
        if (pairNotReady.isPresent()) {
            return new HealthVerdict(false, "pair: " + pairNotReady.get());
        }
        for (StatRow r : reading.stats().rows()) {
            if (r.type() == RowType.FRONTEND
                    && !r.status().equals("OPEN")
                    && !r.status().equals("FULL")) {
                return new HealthVerdict(
                        false, "frontend '" + r.proxyName() + "' is not accepting connections (" + r.status() + ")");
            }
        }
        for (StatRow r : reading.stats().rows()) {
            // act + bck: the usable servers. The words are the proxy's own log line for the same event.
            if (r.type() == RowType.BACKEND
                    && r.number(StatField.ACT).orElse(0)
                                    + r.number(StatField.BCK).orElse(0)
                            == 0) {
                return new HealthVerdict(false, "backend '" + r.proxyName() + "' has no server available");
            }
        }
        return new HealthVerdict(true, "OK");
    }
}
