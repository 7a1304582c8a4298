package io.understudy.admin.state;

import io.understudy.admin.state.AdminState.BackendAdmin;
import io.understudy.admin.state.AdminState.Note;
import io.understudy.admin.state.AdminState.ServerAdmin;
import io.understudy.core.config.FailoverPolicy;
import io.understudy.core.model.AdminFlag;
import io.understudy.core.model.Backend;
import io.understudy.core.model.ControlPlane;
import io.understudy.core.model.Server;
import io.understudy.core.model.ServerState;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies an {@link AdminState} to a running control plane under the restore rules: the config wins for topology (an
 * entry naming a server or backend the config no longer has is ignored with a warning), a server the config marks
 * {@code disabled} stays in maintenance whatever the state says, and a pin is kept only when it names a usable backup
 * of a {@code failback = manual} backend. Every change goes through the control plane, the single writer. Each
 * restored decision is logged at INFO, each ignored one at WARN, one line apiece.
 */
public final class StateImport {
    private static final Logger LOG = LoggerFactory.getLogger(StateImport.class);

    /** Generous: the control plane's queue is empty at startup; this only bounds a wedged one. */
    private static final Duration APPLY_TIMEOUT = Duration.ofSeconds(30);

    /**
     * What an import did, one human-readable line per decision.
     *
     * @param restored the decisions applied
     * @param ignored the decisions skipped, each with why
     */
    public record Report(List<String> restored, List<String> ignored) {
        public Report {
            restored = List.copyOf(restored);
            ignored = List.copyOf(ignored);
        }
    }

    private final ControlPlane control;
    private final String source;
    private final List<String> restored = new ArrayList<>();
    private final List<String> ignored = new ArrayList<>();

    private StateImport(ControlPlane control, String source) {
        this.control = control;
        this.source = source;
    }

    /**
     * Applies {@code state} and waits until the control plane has. Blocking: call at startup, not on an event loop or
     * the control thread.
     *
     * @param source where the state came from, for the log lines (the file's path)
     */
    public static Report apply(AdminState state, ControlPlane control, String source) {
        StateImport i = new StateImport(control, source);
        List<CompletableFuture<?>> pending = new ArrayList<>();
        state.servers().forEach((id, a) -> i.server(id, a, pending));
        // Server decisions first: whether a pinned backup is usable depends on its restored maintenance, drain and
        // weight (the control plane runs queued changes in order, so the pins below see them).
        for (Map.Entry<String, BackendAdmin> e : state.backends().entrySet()) {
            i.pin(e.getKey(), e.getValue(), pending);
        }
        await(pending);
        return new Report(i.restored, i.ignored);
    }

    private void server(String id, ServerAdmin a, List<CompletableFuture<?>> pending) {
        Optional<Server> found = control.server(id);
        if (found.isEmpty()) {
            a.maintenance().ifPresent(n -> ignore(id + " maint (" + n.describe() + "): no such server in the config"));
            a.drain().ifPresent(n -> ignore(id + " drain (" + n.describe() + "): no such server in the config"));
            a.weight()
                    .ifPresent(w -> ignore(id + " weight " + w.value() + " ("
                            + w.note().describe() + "): no such server in the config"));
            return;
        }
        Server server = found.get();
        String disabled = server.config().disabled() ? "; also disabled in the config" : "";
        Set<AdminFlag> add = EnumSet.noneOf(AdminFlag.class);
        a.maintenance().ifPresent(n -> {
            add.add(AdminFlag.FMAINT);
            restore(id + " in maintenance (" + n.describe() + disabled + ")");
        });
        a.drain().ifPresent(n -> {
            add.add(AdminFlag.FDRAIN);
            String still = server.config().disabled() ? "; stays in maintenance: disabled in the config" : "";
            restore(id + " draining (" + n.describe() + still + ")");
        });
        if (!add.isEmpty()) {
            Note why = a.maintenance().or(a::drain).orElseThrow();
            String reason = why.reason().isEmpty() ? "restored from state file" : why.reason() + " (restored)";
            // Adds to the flags rather than replacing them, so that CMAINT from a 'disabled' server is never lifted.
            pending.add(control.change(server, st -> withFlags(st, add, reason)));
        }
        a.weight().ifPresent(w -> {
            String still = server.config().disabled() ? "; stays in maintenance: disabled in the config" : "";
            restore(id + " weight " + w.value() + " (config: " + server.config().weight() + "; "
                    + w.note().describe() + still + ")");
            pending.add(control.setWeight(server, w.value()));
        });
    }

    private static ServerState withFlags(ServerState st, Set<AdminFlag> add, String reason) {
        if (st.admin().containsAll(add)) {
            return st;
        }
        Set<AdminFlag> next = EnumSet.copyOf(add);
        next.addAll(st.admin());
        return st.withAdmin(next, System.currentTimeMillis(), reason);
    }

    private void pin(String backendName, BackendAdmin pin, List<CompletableFuture<?>> pending) {
        String what = "backend " + backendName + " active-server " + pin.activeServer() + " ("
                + pin.note().describe() + ")";
        Optional<Backend> backend = control.backend(backendName);
        if (backend.isEmpty()) {
            ignore(what + ": no such backend in the config");
            return;
        }
        Backend b = backend.get();
        if (b.config().failover().failback() != FailoverPolicy.Failback.MANUAL) {
            ignore(what + ": the backend's failback is not manual, so traffic follows the normal order");
            return;
        }
        Optional<Server> server = b.server(pin.activeServer());
        if (server.isEmpty()) {
            ignore(what + ": no such server in the backend");
            return;
        }
        if (!server.get().isBackup()) {
            ignore(what + ": not a backup server (only a backup's pin is kept)");
            return;
        }
        String reason = pin.note().reason().isEmpty()
                ? "restored from state file"
                : pin.note().reason() + " (restored)";
        pending.add(control.moveTraffic(b, server, reason).handle((snap, err) -> {
            if (err == null) {
                restore("backend " + backendName + " traffic stays on "
                        + server.get().id() + " (" + pin.note().describe() + ")");
            } else {
                Throwable cause = err instanceof CompletionException && err.getCause() != null ? err.getCause() : err;
                ignore(what + ": not usable now (" + cause.getMessage() + "), so traffic follows the normal order");
            }
            return null;
        }));
    }

    private static void await(List<CompletableFuture<?>> pending) {
        try {
            CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new))
                    .get(APPLY_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            LOG.warn("restoring admin state did not complete: {}", e.toString());
        }
    }

    // The lists are filled from the caller's thread and, for pins, from the control thread; synchronized keeps them
    // consistent. This runs once at startup, far from any hot path.

    private synchronized void restore(String line) {
        restored.add(line);
        LOG.info("restored from {}: {}", source, line);
    }

    private synchronized void ignore(String line) {
        ignored.add(line);
        LOG.warn("state file {}: {}; ignored", source, line);
    }
}
