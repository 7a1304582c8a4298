package io.understudy.core.model;

import io.understudy.core.config.FailoverPolicy;
import io.understudy.core.config.HostPort;
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
 * taken, so the restore log can tell the operator where a maintenance came from. The {@link Epoch} numbers the whole
 * set, so that the two proxies of a pair can tell which of their states is the newer.
 *
 * @param servers decisions keyed {@code backend/server}, in configuration order
 * @param backends pins keyed by backend name, in configuration order
 * @param epoch the version of these decisions
 */
public record AdminState(
        Map<String, ServerAdmin> servers,
        Map<String, BackendAdmin> backends,
        Epoch epoch,
        Map<String, Added> added,
        Map<String, Note> deleted,
        Map<String, FrontendAdmin> frontends,
        ProcessAdmin process) {
    /** No decision at all: what a first start, or a config-only start, looks like. */
    public static final AdminState EMPTY = new AdminState(Map.of(), Map.of(), Epoch.NONE);

    /** Decisions about the config's servers only. */
    public AdminState(Map<String, ServerAdmin> servers, Map<String, BackendAdmin> backends, Epoch epoch) {
        this(servers, backends, epoch, Map.of(), Map.of());
    }

    /** Decisions about servers and backends, none about frontends or the process. */
    public AdminState(
            Map<String, ServerAdmin> servers,
            Map<String, BackendAdmin> backends,
            Epoch epoch,
            Map<String, Added> added,
            Map<String, Note> deleted) {
        this(servers, backends, epoch, added, deleted, Map.of(), ProcessAdmin.NONE);
    }

    /**
     * The decisions about one frontend; at least one is present.
     *
     * @param disabled present when an operator disabled it ({@code disable frontend})
     * @param maxconn present when its maxconn differs from the config's ({@code set maxconn frontend})
     */
    public record FrontendAdmin(Optional<Note> disabled, Optional<Count> maxconn) {
        public boolean isEmpty() {
            return disabled.isEmpty() && maxconn.isEmpty();
        }
    }

    /**
     * The process-wide limits an operator set.
     *
     * @param maxconn present after {@code set maxconn global} (other than 0)
     * @param connRate present after {@code set rate-limit connections global} (other than 0)
     */
    public record ProcessAdmin(Optional<Count> maxconn, Optional<Count> connRate) {
        public static final ProcessAdmin NONE = new ProcessAdmin(Optional.empty(), Optional.empty());

        public boolean isEmpty() {
            return maxconn.isEmpty() && connRate.isEmpty();
        }
    }

    /** The same decisions about servers and backends, with these about frontends and the process. */
    public AdminState withRuntime(Map<String, FrontendAdmin> f, ProcessAdmin p) {
        return new AdminState(servers, backends, epoch, added, deleted, f, p);
    }

    /**
     * A server an operator added ({@code add server}), keyed {@code backend/server}.
     *
     * @param spec what it was added with
     * @param note when and why
     */
    public record Added(ServerSpec spec, Note note) {
        public Added {
            Objects.requireNonNull(spec, "spec");
            Objects.requireNonNull(note, "note");
        }
    }

    /** Decisions that no epoch numbers yet (a file written before epochs, a test). */
    public AdminState(Map<String, ServerAdmin> servers, Map<String, BackendAdmin> backends) {
        this(servers, backends, Epoch.NONE);
    }

    /**
     * The version of a set of decisions, shared by the proxies of a pair: every decision taken here that the pair
     * shares (an operator's, or the decider's failover) numbers the state with the next value and this proxy's name;
     * a proxy adopts a peer's state only when its epoch is higher. Two states of equal value are ordered by name, so
     * that two proxies that decided at the same time both end on the same one.
     *
     * @param value 0 before any decision, then one more per shared decision
     * @param by the name of the proxy that took it ({@code ""} for none)
     */
    public record Epoch(long value, String by) implements Comparable<Epoch> {
        public static final Epoch NONE = new Epoch(0, "");

        public Epoch {
            if (value < 0) {
                throw new IllegalArgumentException("epoch must be >= 0: " + value);
            }
            Objects.requireNonNull(by, "by");
        }

        /** The epoch of the next decision, taken by {@code by}. */
        public Epoch next(String by) {
            return new Epoch(value + 1, by);
        }

        @Override
        public int compareTo(Epoch o) {
            int c = Long.compare(value, o.value);
            return c != 0 ? c : by.compareTo(o.by);
        }

        public boolean newerThan(Epoch o) {
            return compareTo(o) > 0;
        }

        /** {@code 12 by lbA}, or {@code 0} before any decision. */
        @Override
        public String toString() {
            return by.isEmpty() ? Long.toString(value) : value + " by " + by;
        }
    }

    public AdminState {
        Objects.requireNonNull(epoch, "epoch");
        // LinkedHashMap keeps configuration order for the file (readable diffs) while equals() ignores order.
        servers = Collections.unmodifiableMap(new LinkedHashMap<>(servers));
        backends = Collections.unmodifiableMap(new LinkedHashMap<>(backends));
        frontends = Collections.unmodifiableMap(new LinkedHashMap<>(frontends));
        frontends.values().forEach(Objects::requireNonNull);
        Objects.requireNonNull(process, "process");
        added = Collections.unmodifiableMap(new LinkedHashMap<>(added));
        deleted = Collections.unmodifiableMap(new LinkedHashMap<>(deleted));
        added.values().forEach(Objects::requireNonNull);
        deleted.values().forEach(Objects::requireNonNull);
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
     * @param address present when its address differs from the config's ({@code set server addr})
     * @param maxconn present when its maxconn differs from the config's ({@code set maxconn server})
     * @param checkPort present when its checks use another port ({@code set server check-port})
     */
    public record ServerAdmin(
            Optional<Note> maintenance,
            Optional<Note> drain,
            Optional<Weight> weight,
            Optional<Address> address,
            Optional<Count> maxconn,
            Optional<Count> checkPort) {
        /** Decisions without settings. */
        public ServerAdmin(Optional<Note> maintenance, Optional<Note> drain, Optional<Weight> weight) {
            this(maintenance, drain, weight, Optional.empty(), Optional.empty(), Optional.empty());
        }

        public boolean isEmpty() {
            return maintenance.isEmpty()
                    && drain.isEmpty()
                    && weight.isEmpty()
                    && address.isEmpty()
                    && maxconn.isEmpty()
                    && checkPort.isEmpty();
        }

        /** The note of the first decision present, for the restore log. */
        Optional<Note> anyNote() {
            return maintenance
                    .or(() -> drain)
                    .or(() -> weight.map(Weight::note))
                    .or(() -> address.map(Address::note))
                    .or(() -> maxconn.map(Count::note))
                    .or(() -> checkPort.map(Count::note));
        }

        ServerAdmin withoutNotes() {
            return new ServerAdmin(
                    maintenance.map(n -> Note.UNRECORDED),
                    drain.map(n -> Note.UNRECORDED),
                    weight.map(w -> new Weight(w.value(), Note.UNRECORDED)),
                    address.map(a -> new Address(a.value(), Note.UNRECORDED)),
                    maxconn.map(c -> new Count(c.value(), Note.UNRECORDED)),
                    checkPort.map(c -> new Count(c.value(), Note.UNRECORDED)));
        }
    }

    /** An address set by an operator. */
    public record Address(HostPort value, Note note) {
        public Address {
            Objects.requireNonNull(value, "value");
        }

        /** Two addresses are the same decision when they print the same ({@code ip:port}). */
        boolean same(HostPort other) {
            return value.toString().equals(other.toString());
        }
    }

    /** A number set by an operator (a maxconn, a port), >= 0. */
    public record Count(int value, Note note) {
        public Count {
            if (value < 0) {
                throw new IllegalArgumentException("must be >= 0: " + value);
            }
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
        return servers.isEmpty()
                && backends.isEmpty()
                && added.isEmpty()
                && deleted.isEmpty()
                && frontends.isEmpty()
                && process.isEmpty();
    }

    /** The same decisions numbered {@code e}. */
    public AdminState withEpoch(Epoch e) {
        return new AdminState(servers, backends, e, added, deleted, frontends, process);
    }

    /** The same decisions with every note and the epoch dropped: two states that differ only there hold the same. */
    public AdminState withoutNotes() {
        Map<String, ServerAdmin> s = new LinkedHashMap<>();
        servers.forEach((id, a) -> s.put(id, a.withoutNotes()));
        Map<String, BackendAdmin> b = new LinkedHashMap<>();
        backends.forEach((name, p) -> b.put(name, new BackendAdmin(p.activeServer(), Note.UNRECORDED)));
        Map<String, Added> a = new LinkedHashMap<>();
        added.forEach((id, x) -> a.put(id, new Added(x.spec(), Note.UNRECORDED)));
        Map<String, Note> d = new LinkedHashMap<>();
        deleted.keySet().forEach(id -> d.put(id, Note.UNRECORDED));
        Map<String, FrontendAdmin> f = new LinkedHashMap<>();
        frontends.forEach((name, x) -> f.put(
                name,
                new FrontendAdmin(
                        x.disabled().map(n -> Note.UNRECORDED),
                        x.maxconn().map(c -> new Count(c.value(), Note.UNRECORDED)))));
        ProcessAdmin p = new ProcessAdmin(
                process.maxconn().map(c -> new Count(c.value(), Note.UNRECORDED)),
                process.connRate().map(c -> new Count(c.value(), Note.UNRECORDED)));
        return new AdminState(s, b, Epoch.NONE, a, d, f, p);
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
        Map<String, Added> added = new LinkedHashMap<>();
        Map<String, Note> deleted = new LinkedHashMap<>();
        for (Backend b : backends) {
            // Membership against the config: servers it lacks were added, servers it has that are gone were deleted.
            for (Server s : b.servers()) {
                if (b.config().server(s.name()).isEmpty() && !b.leaving(s)) {
                    ServerSpec spec = ServerSpec.of(s.config());
                    added.put(
                            s.id(),
                            Optional.ofNullable(previous.added().get(s.id()))
                                    .filter(x -> x.spec().equals(spec))
                                    .orElse(new Added(spec, fresh)));
                }
            }
            for (io.understudy.core.config.ServerConfig c : b.config().servers()) {
                String id = b.name() + "/" + c.name();
                if (b.server(c.name()).isEmpty()) {
                    deleted.put(
                            id, Optional.ofNullable(previous.deleted().get(id)).orElse(fresh));
                }
            }
            for (Server s : b.servers()) {
                if (b.leaving(s)) {
                    // Removed from the config by a reload, waiting for its sessions: no decision of anyone's.
                    continue;
                }
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
                ServerSettings set = st.settings();
                ServerSettings config = ServerSettings.of(s.config());
                Optional<Address> address = Optional.empty();
                // An address DNS gave the config's host name is not a decision: only one an operator set is.
                if (!set.address().follows(config.address())) {
                    address = Optional.of(before.flatMap(ServerAdmin::address)
                            .filter(a -> a.same(set.address()))
                            .orElse(new Address(set.address(), fresh)));
                }
                Optional<Count> maxconn =
                        count(set.maxconn(), config.maxconn(), before.flatMap(ServerAdmin::maxconn), fresh);
                Optional<Count> checkPort =
                        count(set.checkPort(), config.checkPort(), before.flatMap(ServerAdmin::checkPort), fresh);
                ServerAdmin admin = new ServerAdmin(maint, drain, weight, address, maxconn, checkPort);
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
        return new AdminState(
                servers, pins, previous.epoch(), added, deleted, previous.frontends(), previous.process());
    }

    /**
     * The decisions about frontends and the process, read off what the control plane published: a frontend disabled,
     * or with a maxconn other than {@code baseline}'s; limits other than none. Notes kept as in {@link #capture}.
     */
    static AdminState captureRuntime(
            AdminState state,
            Map<String, FrontendState> frontends,
            Map<String, Integer> baseline,
            ProcessLimits limits,
            AdminState previous,
            Note fresh) {
        Map<String, FrontendAdmin> f = new LinkedHashMap<>();
        frontends.forEach((name, st) -> {
            Optional<FrontendAdmin> before =
                    Optional.ofNullable(previous.frontends().get(name));
            Optional<Note> disabled = st.disabled()
                    ? Optional.of(before.flatMap(FrontendAdmin::disabled).orElse(fresh))
                    : Optional.empty();
            Optional<Count> maxconn = count(
                    st.maxconn(),
                    baseline.getOrDefault(name, st.maxconn()),
                    before.flatMap(FrontendAdmin::maxconn),
                    fresh);
            FrontendAdmin a = new FrontendAdmin(disabled, maxconn);
            if (!a.isEmpty()) {
                f.put(name, a);
            }
        });
        ProcessAdmin p = new ProcessAdmin(
                count(limits.maxconn(), 0, previous.process().maxconn(), fresh),
                count(limits.connRate(), 0, previous.process().connRate(), fresh));
        return state.withRuntime(f, p);
    }

    private static Optional<Count> count(int now, int config, Optional<Count> before, Note fresh) {
        if (now == config) {
            return Optional.empty();
        }
        return Optional.of(before.filter(c -> c.value() == now).orElse(new Count(now, fresh)));
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
