package io.understudy.admin.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.understudy.core.backend.Backend;
import io.understudy.core.session.ProxySession;
import io.understudy.core.session.SessionRegistry;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;

/**
 * Feeds the session duration histogram ({@code <prefix>_backend_session_duration_seconds}). The session registry has
 * no listener for finished sessions yet, so each sample walks the live sessions and attaches a close listener to those
 * it has not seen; the listener records the session's age when its client connection closes. A session that opens and
 * closes between two samples (shorter than the sampling interval, 100 ms) is therefore missing from the histogram,
 * while {@code backend_sessions_total} counts it. A session-end hook in the core would make this exact.
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

    static final String HELP = "Duration of the backend's finished sessions, in seconds (sessions shorter than 100 ms"
            + " may be missing)";

    private final SessionRegistry sessions;
    private final Map<String, Timer> byBackend = new HashMap<>();
    /** Sessions with a close listener attached; removed on the relay's event loops when they close. */
    private final Set<Long> watched = ConcurrentHashMap.newKeySet();
    /**
     * Durations of ended sessions, queued lock-free by the relay's event loops and recorded by {@link #sample()}, so a
     * relay thread never touches a meter (a histogram's rotation takes a lock a scrape also takes).
     */
    private final Queue<Ended> ended = new ConcurrentLinkedQueue<>();

    private record Ended(Timer timer, long millis) {}

    SessionDurations(MeterRegistry registry, String prefix, SessionRegistry sessions, List<Backend> backends) {
        this.sessions = sessions;
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
    }

    /** Records the sessions ended and watches those opened since the previous call. One thread at a time. */
    void sample() {
        for (Ended e = ended.poll(); e != null; e = ended.poll()) {
            e.timer().record(e.millis(), TimeUnit.MILLISECONDS);
        }
        for (ProxySession s : sessions.sessions()) {
            Timer timer = byBackend.get(s.backendName());
            if (timer == null || !watched.add(s.id())) {
                continue;
            }
            // Runs on the session's event loop right after the registry's own close listener ended the session.
            s.clientChannel().closeFuture().addListener(f -> {
                ended.add(new Ended(timer, s.ageMillis()));
                watched.remove(s.id());
            });
        }
    }
}
