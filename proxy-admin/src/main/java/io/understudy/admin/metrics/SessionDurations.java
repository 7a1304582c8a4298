package io.understudy.admin.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.understudy.core.model.Backend;
import io.understudy.core.session.SessionRegistry;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;

/**
 * Feeds the session duration histogram ({@code <prefix>_backend_session_duration_seconds}) from the session
 * registry's end-of-session listener: every finished session is recorded.
 */
final class SessionDurations {
    /** From a connect-query-quit client to a pooled connection held for a day. */
    static final List<Duration> BUCKETS = List.of(
            Duration.ofMillis(100),
            Duration.ofMillis(250),
            Duration.ofSeconds(1),
            Duration.ofSeconds(10),
            Duration.ofMinutes(1),
            Duration.ofMinutes(5),
            Duration.ofMinutes(30),
            Duration.ofHours(1),
            Duration.ofHours(4),
            Duration.ofHours(24));

    static final String HELP = "Duration of the backend's finished sessions, in seconds";

    private final Map<String, Timer> byBackend = new HashMap<>();
    /**
     * Durations of ended sessions, queued lock-free by the relay's event loops and recorded by {@link #sample()}, so a
     * relay thread never touches a meter (a histogram's rotation takes a lock a scrape also takes).
     */
    private final Queue<Ended> ended = new ConcurrentLinkedQueue<>();

    private record Ended(Timer timer, long millis) {}

    SessionDurations(MeterRegistry registry, String prefix, SessionRegistry sessions, List<Backend> backends) {
        Duration[] slos = BUCKETS.toArray(new Duration[0]);
        for (Backend b : backends) {
            byBackend.put(
                    b.name(),
                    Timer.builder(prefix + ".backend.session.duration")
                            .description(HELP)
                            .tags("proxy", b.name())
                            .serviceLevelObjectives(slos)
                            .register(registry));
        }
        sessions.addListener((session, totalMillis, cause) -> {
            Timer timer = byBackend.get(session.backendName());
            if (timer != null) {
                ended.add(new Ended(timer, totalMillis));
            }
        });
    }

    /** Records the sessions ended since the previous call. One thread at a time. */
    void sample() {
        for (Ended e = ended.poll(); e != null; e = ended.poll()) {
            e.timer().record(e.millis(), TimeUnit.MILLISECONDS);
        }
    }
}
