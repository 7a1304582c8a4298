package io.understudy.core.config;

import io.understudy.core.config.FailoverPolicy.Failback;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads a backend's {@link FailoverPolicy} ({@code failback}, {@code on-marked-down}, {@code on-marked-up}) from a
 * listen section, falling back to {@code defaults}.
 *
 * <p>Why the defaults in reference.conf close sessions where HAProxy keeps them: HAProxy leaves established sessions
 * on a server marked down, and on backups after traffic fails back. For MySQL that lets a client keep writing to a
 * server that lost its role while new sessions write to its successor; two masters written at once is the failure
 * this proxy's users fear most, and a dropped connection is one their pools already handle.
 */
final class FailoverReader {
    static final Map<String, Failback> FAILBACK =
            Section.choices(Map.entry("auto", Failback.AUTO), Map.entry("manual", Failback.MANUAL));
    static final Map<String, Boolean> ON_MARKED_DOWN =
            Section.choices(Map.entry("shutdown-sessions", true), Map.entry("none", false));
    static final Map<String, Boolean> ON_MARKED_UP =
            Section.choices(Map.entry("shutdown-backup-sessions", true), Map.entry("none", false));

    private FailoverReader() {}

    /**
     * The policy from the first of {@code layers} (listen, then defaults) that sets each key; {@code timeouts} are
     * their {@code timeout} sections, in the same order ({@code timeout drain}).
     */
    static Optional<FailoverPolicy> read(List<Section> layers, List<Section> timeouts, boolean reportMissing) {
        Optional<Failback> failback =
                ListenReader.inherited(layers, reportMissing, "failback", (s, k) -> s.keyword(k, FAILBACK));
        Optional<Boolean> onDown =
                ListenReader.inherited(layers, reportMissing, "on-marked-down", (s, k) -> s.keyword(k, ON_MARKED_DOWN));
        Optional<Boolean> onUp =
                ListenReader.inherited(layers, reportMissing, "on-marked-up", (s, k) -> s.keyword(k, ON_MARKED_UP));
        Optional<Duration> delay =
                ListenReader.inherited(layers, reportMissing, "failback-delay", Section::durationOrZero);
        Optional<Duration> drain = ListenReader.inherited(timeouts, reportMissing, "drain", Section::duration);
        if (failback.isEmpty() || onDown.isEmpty() || onUp.isEmpty() || delay.isEmpty() || drain.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new FailoverPolicy(failback.get(), onDown.get(), onUp.get(), delay.get(), drain.get()));
    }
}
