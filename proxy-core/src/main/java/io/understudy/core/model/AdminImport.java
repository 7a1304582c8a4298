package io.understudy.core.model;

import io.understudy.core.config.FailoverPolicy;
import io.understudy.core.model.AdminState.BackendAdmin;
import io.understudy.core.model.AdminState.Note;
import io.understudy.core.model.AdminState.ServerAdmin;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Works out what importing an {@link AdminState} changes, under the restore rules, so the control plane can apply it
 * in one commit. The import is exact: a server the state does not mention loses its forced maintenance and drain and
 * gets its configured weight back, and a {@code failback = manual} backend the state gives no pin follows the normal
 * order. The config wins for topology (an entry naming a server or backend the config no longer has is ignored), a
 * server the config marks {@code disabled} stays in maintenance whatever the state says, and a pin is kept only when
 * it names a backup of a {@code failback = manual} backend that is usable once the server decisions are applied.
 * Control plane's thread only.
 */
final class AdminImport {
    /** One server's admin values after the import. */
    record ServerTarget(Set<AdminFlag> admin, int weight, ServerSettings settings, Reason reason) {}

    final Map<Server, ServerTarget> servers = new LinkedHashMap<>();
    /** The pins the imported state asks for, checked against the config; whether each holds is decided on commit. */
    final Map<Backend, BackendAdmin> pins = new LinkedHashMap<>();

    final List<Backend> unpin = new ArrayList<>();
    final List<String> restored = new ArrayList<>();
    final List<String> ignored = new ArrayList<>();

    /** Servers the import would have deleted but that still serve: they stay, in maintenance. */
    private final Set<Server> keepInMaintenance;

    AdminImport(AdminState state, List<Backend> backends) {
        this(state, backends, Set.of());
    }

    AdminImport(AdminState state, List<Backend> backends, Set<Server> keepInMaintenance) {
        this.keepInMaintenance = keepInMaintenance;
        Map<String, Server> byId = new LinkedHashMap<>();
        backends.forEach(b -> b.servers().forEach(s -> byId.put(s.id(), s)));
        state.servers().forEach((id, a) -> {
            if (!byId.containsKey(id)) {
                a.maintenance()
                        .ifPresent(
                                n -> ignored.add(id + " maint (" + n.describe() + "): no such server in the config"));
                a.drain()
                        .ifPresent(
                                n -> ignored.add(id + " drain (" + n.describe() + "): no such server in the config"));
                a.weight()
                        .ifPresent(w -> ignored.add(id + " weight " + w.value() + " ("
                                + w.note().describe() + "): no such server in the config"));
                a.address()
                        .ifPresent(x -> ignored.add(id + " addr " + x.value() + " ("
                                + x.note().describe() + "): no such server in the config"));
                a.maxconn()
                        .ifPresent(x -> ignored.add(id + " maxconn " + x.value() + " ("
                                + x.note().describe() + "): no such server in the config"));
                a.checkPort()
                        .ifPresent(x -> ignored.add(id + " check-port " + x.value() + " ("
                                + x.note().describe() + "): no such server in the config"));
            }
        });
        for (Server s : byId.values()) {
            servers.put(s, target(s, state.server(s.id())));
        }
        Map<String, Backend> byName = new LinkedHashMap<>();
        backends.forEach(b -> byName.put(b.name(), b));
        state.backends().forEach((name, pin) -> {
            Backend b = byName.get(name);
            String what = "backend " + name + " active-server " + pin.activeServer() + " ("
                    + pin.note().describe() + ")";
            if (b == null) {
                ignored.add(what + ": no such backend in the config");
            } else if (b.config().failover().failback() != FailoverPolicy.Failback.MANUAL) {
                ignored.add(what + ": the backend's failback is not manual, so traffic follows the normal order");
            } else if (b.server(pin.activeServer()).isEmpty()) {
                ignored.add(what + ": no such server in the backend");
            } else if (!b.server(pin.activeServer()).get().isBackup()) {
                ignored.add(what + ": not a backup server (only a backup's pin is kept)");
            } else {
                pins.put(b, pin);
            }
        });
        for (Backend b : backends) {
            // Exact: a pin the state could have carried but does not is cleared.
            if (!pins.containsKey(b) && AdminState.pinnedBackup(b).isPresent()) {
                unpin.add(b);
            }
        }
    }

    private ServerTarget target(Server server, Optional<ServerAdmin> decision) {
        String id = server.id();
        ServerState st = server.state();
        Set<AdminFlag> admin = st.admin().isEmpty() ? EnumSet.noneOf(AdminFlag.class) : EnumSet.copyOf(st.admin());
        admin.remove(AdminFlag.FMAINT);
        admin.remove(AdminFlag.FDRAIN);
        if (keepInMaintenance.contains(server)) {
            admin.add(AdminFlag.FMAINT);
        }
        int weight = server.config().weight();
        ServerSettings settings = ServerSettings.of(server.config());
        if (st.settings().address().follows(server.config().address())) {
            // Where DNS moved the config's host name is nobody's decision: an import leaves it.
            settings = settings.withAddress(st.settings().address());
        }
        Optional<Note> why = Optional.empty();
        if (decision.isPresent()) {
            ServerAdmin a = decision.get();
            String disabled = server.config().disabled() ? "; also disabled in the config" : "";
            String still = server.config().disabled() ? "; stays in maintenance: disabled in the config" : "";
            if (a.maintenance().isPresent()) {
                admin.add(AdminFlag.FMAINT);
                restored.add(id + " in maintenance (" + a.maintenance().get().describe() + disabled + ")");
            }
            if (a.drain().isPresent()) {
                admin.add(AdminFlag.FDRAIN);
                restored.add(id + " draining (" + a.drain().get().describe() + still + ")");
            }
            if (a.weight().isPresent()) {
                weight = a.weight().get().value();
                restored.add(id + " weight " + weight + " (config: "
                        + server.config().weight() + "; "
                        + a.weight().get().note().describe() + still + ")");
            }
            if (a.address().isPresent()) {
                settings = settings.withAddress(a.address().get().value());
                restored.add(id + " addr " + a.address().get().value() + " (config: "
                        + server.config().address() + "; "
                        + a.address().get().note().describe() + ")");
            }
            if (a.maxconn().isPresent()) {
                settings = settings.withMaxconn(a.maxconn().get().value());
                restored.add(id + " maxconn " + a.maxconn().get().value() + " (config: "
                        + server.config().maxconn() + "; "
                        + a.maxconn().get().note().describe() + ")");
            }
            if (a.checkPort().isPresent()) {
                if (server.config().check().enabled()) {
                    settings = settings.withCheckPort(a.checkPort().get().value());
                    restored.add(id + " check-port " + a.checkPort().get().value() + " ("
                            + a.checkPort().get().note().describe() + ")");
                } else {
                    ignored.add(id + " check-port " + a.checkPort().get().value() + " ("
                            + a.checkPort().get().note().describe() + "): the server has no health check");
                }
            }
            why = a.anyNote();
        }
        String text = why.map(Note::reason)
                .filter(r -> !r.isEmpty())
                .map(r -> r + " (restored)")
                .orElse("restored admin state");
        return new ServerTarget(admin, weight, settings, Reason.of(Reason.Cause.IMPORT, text));
    }

    /** Line for a pin that held, or was dropped because its server is not usable once the servers are applied. */
    void pinOutcome(Backend b, BackendAdmin pin, Optional<Server> usable) {
        if (usable.isPresent()) {
            restored.add("backend " + b.name() + " traffic stays on "
                    + usable.get().id() + " (" + pin.note().describe() + ")");
        } else {
            ignored.add("backend " + b.name() + " active-server " + pin.activeServer() + " ("
                    + pin.note().describe() + "): not usable now, so traffic follows the normal order");
        }
    }
}
