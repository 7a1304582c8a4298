package io.understudy.admin.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.understudy.checks.HealthChecker;
import io.understudy.core.model.Backend;
import io.understudy.core.model.Server;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;

/**
 * Feeds the check duration histogram ({@code <prefix>_server_check_time_seconds}) from the health checker's
 * check-completion listener: every active check is recorded (live-traffic failures counted as checks are not checks
 * and are not recorded).
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

    /** One per checked server, made at its first check (servers added or restored at runtime included). */
    private final Map<Server, Timer> timers = new java.util.concurrent.ConcurrentHashMap<>();
    /** Completed checks, queued by the control plane's thread and recorded by {@link #sample()}. */
    private final Queue<Completed> completed = new ConcurrentLinkedQueue<>();

    private record Completed(Timer timer, long millis) {}

    CheckDurations(MeterRegistry registry, String prefix, HealthChecker health, List<Backend> backends) {
        Duration[] slos = BUCKETS.toArray(new Duration[0]);
        for (Backend b : backends) {
            for (Server s : b.servers()) {
                if (health.snapshot(s).isEmpty()) {
                    continue;
                }
                timers.put(
                        s,
                        Timer.builder(prefix + ".server.check.time")
                                .description(HELP)
                                .tags("proxy", b.name(), "server", s.name())
                                .serviceLevelObjectives(slos)
                                .register(registry));
            }
        }
        health.addListener((server, result) -> {
            Timer t = timers.computeIfAbsent(server, s -> Timer.builder(prefix + ".server.check.time")
                    .description(HELP)
                    .tags("proxy", s.backendName(), "server", s.name())
                    .serviceLevelObjectives(slos)
                    .register(registry));
            completed.add(new Completed(t, result.durationMillis()));
        });
    }

    /** Records the checks completed since the previous call. Called from one thread at a time. */
    void sample() {
        for (Completed c = completed.poll(); c != null; c = completed.poll()) {
            c.timer().record(c.millis(), TimeUnit.MILLISECONDS);
        }
    }
}
