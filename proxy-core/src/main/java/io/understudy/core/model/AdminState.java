package io.understudy.core.model;

import io.understudy.core.config.FailoverPolicy;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What operators decided at runtime and what should survive a restart: per server, forced maintenance, drain and a
 * weight that differs from the config's; per {@code failback = manual} backend, the backup that traffic is pinned to.
 * Health (up/down) is deliberately absent: checks re-learn it after a restart, and restoring a stale "up" sends traffic
 * to a dead server (HAProxy #918). Config-driven maintenance ({@code disabled}) is absent too: the config restores it.
 *
 * <p>Only servers and backends with a decision appear; each decision carries a {@link Note} saying when and why it was
 * taken, so the restore log can tell the operator where a maintenance came from.
 *
 * @param servers decisions keyed {@code backend/server}, in configuration order
 * @param backends pins keyed by backend name, in configuration order
 */
public record AdminState(Map<String, ServerAdmin> servers, Map<String, BackendAdmin> backends) {
    /** No decision at all: what a first start, or a config-only start, looks like. */
    public static final AdminState EMPTY = new AdminState(Map.of(), Map.of());

    public AdminState {
        // LinkedHashMap keeps configuration order for the file (readable diffs) while equals() ignores order.
        servers = Collections.unmodifiableMap(new LinkedHashMap<>(servers));
        backends = Collections.unmodifiableMap(new LinkedHashMap<>(backends));
        servers.values().forEach(Objects::requireNonNull);
        backends.values().forEach(Objects::requireNonNull);
    }

    /**
     * When and why a decision was taken.
     *
     * @param at when, to the second; empty for a line an operator wrote by hand without a {@code set} clause
     * @param reason why, as given to the control plane ({@code ""} when unknown)
     */
    public record Note(Optional<Instant> at, String reason) {
        /** What hand-written lines get. */
        public static final Note UNRECORDED = new Note(Optional.empty(), "");

        public Note {
            // Seconds are what an operator reads; dropping the rest also makes a written note equal to its re-read.
            at = at.map(i -> i.truncatedTo(ChronoUnit.SECONDS));
            reason = Objects.requireNonNull(reason, "reason");
        }

        public static Note of(Instant at, String reason) {
            return new Note(Optional.of(at), reason == null ? "" : reason);
        }

        /** {@code set 2026-11-22T01:02:03Z: disable server}, as the restore log prints it. */
        public String describe() {
            if (at.isEmpty()) {
                return reason.isEmpty() ? "set by hand" : "set by hand: " + reason;
            }
            return reason.isEmpty() ? "set " + at.get() : "set " + at.get() + ": " + reason;
        }
    }

    /**
     * The decisions about one server; at least one is present.
     *
     * @param maintenance present when an operator put it in maintenance ({@code FMAINT})
     * @param drain present when an operator set it draining ({@code FDRAIN})
     * @param weight present when its weight differs from the config's
     */
    public record ServerAdmin(Optional<Note> maintenance, Optional<Note> drain, Optional<Weight> weight) {
        public boolean isEmpty() {
            return maintenance.isEmpty() && drain.isEmpty() && weight.isEmpty();
        }
    }

    /** A weight set by an operator, 0..256. */
    public record Weight(int value, Note note) {
        public Weight {
            if (value < 0 || value > 256) {
                throw new IllegalArgumentException("weight must be 0..256: " + value);
            }
        }
    }

    /**
     * The server a {@code failback = manual} backend keeps its traffic on although an active server may be usable.
     *
     * @param activeServer the server's name within the backend (a backup)
     * @param note when and why traffic went there
     */
    public record BackendAdmin(String activeServer, Note note) {}

    /** The decisions about {@code backend/server}, if any. */
    public Optional<ServerAdmin> server(String id) {
        return Optional.ofNullable(servers.get(id));
    }

    /** The pin of backend {@code name}, if any. */
    public Optional<BackendAdmin> backend(String name) {
        return Optional.ofNullable(backends.get(name));
    }

    public boolean isEmpty() {
        return servers.isEmpty() && backends.isEmpty();
    }

    /** The same decisions with every note dropped: two states that differ only in notes need no write. */
    public AdminState withoutNotes() {
        Map<String, ServerAdmin> s = new LinkedHashMap<>();
        servers.forEach((id, a) -> s.put(
                id,
                new ServerAdmin(
                        a.maintenance().map(n -> Note.UNRECORDED),
                        a.drain().map(n -> Note.UNRECORDED),
                        a.weight().map(w -> new Weight(w.value(), Note.UNRECORDED)))));
        Map<String, BackendAdmin> b = new LinkedHashMap<>();
        backends.forEach((name, p) -> b.put(name, new BackendAdmin(p.activeServer(), Note.UNRECORDED)));
        return new AdminState(s, b);
    }

    /** Whether both hold the same decisions, whatever their notes. */
    public boolean sameDecisions(AdminState other) {
        return withoutNotes().equals(other.withoutNotes());
    }

    /**
     * Reads the decisions off the published server states and snapshots; the commit calls it, so the cut is
     * consistent. A decision also present in {@code previous} keeps its note there (so a restored maintenance still
     * says when the operator took it, not when the process restarted); a new one takes {@code fresh}, the commit that
     * made it.
     */
    static AdminState capture(List<Backend> backends, AdminState previous, Note fresh) {
        Map<String, ServerAdmin> servers = new LinkedHashMap<>();
        Map<String, BackendAdmin> pins = new LinkedHashMap<>();
        for (Backend b : backends) {
            for (Server s : b.servers()) {
                ServerState st = s.state();
                Optional<ServerAdmin> before = previous.server(s.id());
                Optional<Note> maint = st.admin().contains(AdminFlag.FMAINT)
                        ? Optional.of(before.flatMap(ServerAdmin::maintenance).orElse(fresh))
                        : Optional.empty();
                Optional<Note> drain = st.admin().contains(AdminFlag.FDRAIN)
                        ? Optional.of(before.flatMap(ServerAdmin::drain).orElse(fresh))
                        : Optional.empty();
                Optional<Weight> weight = Optional.empty();
                if (st.weight() != s.config().weight()) {
                    weight = Optional.of(before.flatMap(ServerAdmin::weight)
                            .filter(w -> w.value() == st.weight())
                            .orElse(new Weight(st.weight(), fresh)));
                }
                ServerAdmin admin = new ServerAdmin(maint, drain, weight);
                if (!admin.isEmpty()) {
                    servers.put(s.id(), admin);
                }
            }
            pinnedBackup(b)
                    .ifPresent(pinned -> pins.put(
                            b.name(),
                            previous.backend(b.name())
                                    .filter(p -> p.activeServer().equals(pinned.name()))
                                    .orElse(new BackendAdmin(pinned.name(), fresh))));
        }
        return new AdminState(servers, pins);
    }

    /**
     * The backup a manual-failback backend's traffic is pinned to. Pins of auto-failback backends, and pins to active
     * servers, are not decisions worth keeping: after a restart the normal order puts traffic there anyway.
     */
    static Optional<Server> pinnedBackup(Backend b) {
        if (b.config().failover().failback() != FailoverPolicy.Failback.MANUAL) {
            return Optional.empty();
        }
        return b.snapshot().pinned().filter(Server::isBackup);
    }
}
