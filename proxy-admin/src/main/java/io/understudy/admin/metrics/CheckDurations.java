package io.understudy.admin.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.understudy.checks.CheckResult;
import io.understudy.checks.CheckSnapshot;
import io.understudy.checks.HealthChecker;
import io.understudy.core.backend.Backend;
import io.understudy.core.server.Server;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Feeds the check duration histogram ({@code <prefix>_server_check_time_seconds}) by sampling every
 * checked server's published {@link CheckSnapshot}: the health checker has no per-check listener, so a completed check
 * is recognised by its new completion time. Two checks of one server completing within one sampling interval count
 * once, which the defaults (inter 1s, fastinter 250ms) and the 100 ms sampling interval keep from happening; only a
 * check interval under 100 ms would lose some.
 */
final class CheckDurations {
    /** From a fast local login to a check that ran into a multi-second timeout. */
    static final List<Duration> BUCKETS = List.of(
            Duration.ofMillis(1),
            Duration.ofMillis(2),
            Duration.ofMillis(5),
            Duration.ofMillis(10),
            Duration.ofMillis(25),
            Duration.ofMillis(50),
            Duration.ofMillis(100),
            Duration.ofMillis(250),
            Duration.ofMillis(500),
            Duration.ofSeconds(1),
            Duration.ofMillis(2500),
            Duration.ofSeconds(5),
            Duration.ofSeconds(10));

    /**
     * Not {@code server_check_duration_seconds}: HAProxy uses that name for the latest check's duration (a gauge),
     * which dashboards written for HAProxy read; one name cannot be both a gauge and a histogram.
     */
    static final String HELP = "Duration of the health checks of the server, in seconds (the latest one is"
            + " server_check_duration_seconds)";

    private final HealthChecker health;
    private final Map<Server, Seen> servers = new LinkedHashMap<>();

    CheckDurations(MeterRegistry registry, String prefix, HealthChecker health, List<Backend> backends) {
        this.health = health;
        Duration[] slos = BUCKETS.toArray(new Duration[0]);
        for (Backend b : backends) {
            for (Server s : b.servers()) {
                Optional<CheckSnapshot> snap = health.snapshot(s);
                if (snap.isEmpty()) {
                    continue;
                }
                Timer timer = Timer.builder(prefix + ".server.check.time")
                        .description(HELP)
                        .tags("proxy", b.name(), "server", s.name())
                        .serviceLevelObjectives(slos)
                        .register(registry);
                servers.put(s, new Seen(timer, snap.get()));
            }
        }
    }

    /** Records the checks completed since the previous call. Called from one thread at a time. */
    void sample() {
        for (Map.Entry<Server, Seen> e : servers.entrySet()) {
            Optional<CheckSnapshot> now = health.snapshot(e.getKey());
            if (now.isPresent()) {
                e.getValue().update(now.get());
            }
        }
    }

    /** What the previous sample saw of one server. */
    private static final class Seen {
        final Timer timer;
        long lastCheckMillis;
        long passiveFailures;

        Seen(Timer timer, CheckSnapshot initial) {
            this.timer = timer;
            this.lastCheckMillis = initial.lastCheckMillis();
            this.passiveFailures = initial.passiveFailures();
        }

        void update(CheckSnapshot c) {
            if (c.lastCheckMillis() == lastCheckMillis) {
                return;
            }
            lastCheckMillis = c.lastCheckMillis();
            // A live-traffic connect failure counted as a failed check took no check time: it is not a check.
            boolean passive = c.passiveFailures() != passiveFailures
                    && c.last().map(CheckResult::durationMillis).orElse(0L) == 0;
            passiveFailures = c.passiveFailures();
            if (!passive) {
                c.last().ifPresent(r -> timer.record(r.durationMillis(), TimeUnit.MILLISECONDS));
            }
        }
    }
}
