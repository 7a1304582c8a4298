package io.understudy.server;

import io.understudy.core.model.Backend;
import io.understudy.core.model.Commit;
import io.understudy.core.model.ControlCommand;
import io.understudy.core.model.ControlPlane;
import io.understudy.core.model.Origin;
import io.understudy.core.model.Server;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The new version's last steps of an upgrade, once it listens: its writer-role backends write where the old process
 * writes (pinned there) for as long as the old process still has sessions, so that the writes of a backend never land
 * on two servers during the swap; then the old process is told to stop (SIGTERM: it stops accepting and lets its
 * sessions finish within its {@code hard-stop-after}); once it has exited, the pins are released and the normal order
 * applies again (with its usual drain).
 */
final class TakenOver {
    private static final Logger LOG = LoggerFactory.getLogger(TakenOver.class);

    private final ControlPlane control;
    private final Takeover.Inherited inherited;

    TakenOver(ControlPlane control, Takeover.Inherited inherited) {
        this.control = control;
        this.inherited = inherited;
    }

    void finish() {
        Map<Backend, Server> pinned = new LinkedHashMap<>();
        inherited.writers().forEach((backend, server) -> {
            Optional<Server> s = control.backend(backend).flatMap(b -> b.server(server));
            if (s.isEmpty()) {
                LOG.warn("takeover: the old process writes to {}/{}, which the new config lacks", backend, server);
                return;
            }
            Backend b = control.backend(backend).get();
            if (!b.snapshot().writer() || b.snapshot().pinned().equals(s)) {
                return;
            }
            if (b.snapshot().first().equals(s)) {
                // Already where the old process writes; should this one's checks move it, that server is failing.
                return;
            }
            Commit c = apply(new ControlCommand.MoveTraffic(
                    b, s, Origin.STARTUP, "takeover: where pid " + inherited.oldPid() + " writes until it exits"));
            if (c != null && !c.refused()) {
                pinned.put(b, s.get());
            } else {
                LOG.warn(
                        "takeover: cannot keep {} writing to {} as the old process does: {}",
                        backend,
                        server,
                        c == null ? "no answer" : c.refusal().orElse(""));
            }
        });
        Optional<ProcessHandle> old = ProcessHandle.of(inherited.oldPid());
        if (old.isEmpty()) {
            release(pinned);
            return;
        }
        LOG.info(
                "takeover: listening; telling pid {} to stop (SIGTERM: its sessions finish there)", inherited.oldPid());
        old.get().onExit().thenRun(() -> {
            LOG.info("takeover: pid {} has exited", inherited.oldPid());
            release(pinned);
        });
        if (!old.get().destroy()) {
            LOG.warn(
                    "takeover: could not signal pid {}: stop it by hand (kill {})",
                    inherited.oldPid(),
                    inherited.oldPid());
        }
    }

    /** The old process is gone: its writers no longer bind this one, unless an operator's pin says otherwise. */
    private void release(Map<Backend, Server> pinned) {
        pinned.forEach((b, s) -> {
            boolean decided = control.adminState().backends().containsKey(b.name());
            if (b.snapshot().pinned().equals(Optional.of(s)) && !decided) {
                apply(new ControlCommand.MoveTraffic(
                        b, Optional.empty(), Origin.STARTUP, "takeover: the old process has exited"));
            }
        });
    }

    private Commit apply(ControlCommand c) {
        try {
            return control.apply(c).get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.warn("takeover: {} failed: {}", c, e.toString());
            return null;
        }
    }
}
