package io.understudy.server;

import io.understudy.core.model.Backend;
import io.understudy.core.model.Commit;
import io.understudy.core.model.ControlCommand;
import io.understudy.core.model.ControlPlane;
import io.understudy.core.model.Origin;
import io.understudy.core.model.Server;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The new version's side of an upgrade once the sockets are in hand. Before it accepts anything, each writer-role
 * backend is pinned to the server the old process writes to, for as long as the old process runs, so that the writes of
 * a backend never land on two servers during the swap ({@link #pinWriters}); a pin that cannot be set fails the
 * takeover. Once it listens, the old process is told to stop (SIGTERM: it stops accepting and lets its sessions finish
 * within its {@code hard-stop-after}); once it has exited, the pins are released, unless an operator's decision holds
 * them ({@code failback = manual}), and the normal order applies again with its usual drain ({@link #stopOld}).
 */
final class TakenOver {
    private static final Logger LOG = LoggerFactory.getLogger(TakenOver.class);

    private final ControlPlane control;
    private final Takeover.Inherited inherited;
    private final Map<Backend, Server> pinned = new LinkedHashMap<>();

    TakenOver(ControlPlane control, Takeover.Inherited inherited) {
        this.control = control;
        this.inherited = inherited;
    }

    /**
     * Before accepting: pins each writer-role backend where the old process writes.
     *
     * @throws IllegalStateException when a backend cannot be pinned there (the takeover must not go on)
     */
    void pinWriters() {
        inherited.writers().forEach((backend, server) -> {
            Optional<Backend> b = control.backend(backend);
            Optional<Server> s = b.flatMap(x -> x.server(server));
            if (s.isEmpty() || !b.get().snapshot().writer()) {
                throw new IllegalStateException("the old process writes to " + backend + "/" + server
                        + ", which the new configuration lacks (or is not a writer-role backend there): writing"
                        + " elsewhere while its sessions run would make two writers");
            }
            Commit c = apply(new ControlCommand.MoveTraffic(
                    b.get(),
                    s,
                    Origin.STARTUP,
                    "takeover: where pid " + inherited.oldPid() + " writes until it exits"));
            if (c == null || c.refused()) {
                throw new IllegalStateException(
                        "cannot keep " + backend + " writing to " + server + " as the old process does: "
                                + (c == null ? "no answer" : c.refusal().orElse("")));
            }
            pinned.put(b.get(), s.get());
        });
    }

    /** Once listening: tells the old process to stop, and releases the pins when it has exited. */
    void stopOld() {
        Optional<ProcessHandle> old =
                ProcessHandle.of(inherited.oldPid()).filter(p -> sameStart(p, inherited.oldStartMillis()));
        if (old.isEmpty()) {
            LOG.warn("takeover: pid {} is gone already", inherited.oldPid());
            release();
            return;
        }
        LOG.info(
                "takeover: listening; telling pid {} to stop (SIGTERM: its sessions finish there)", inherited.oldPid());
        old.get().onExit().thenRun(() -> {
            LOG.info("takeover: pid {} has exited", inherited.oldPid());
            release();
        });
        if (!old.get().destroy()) {
            LOG.error(
                    "takeover: could not signal pid {}: stop it by hand (kill {}); until it exits, its writers stay"
                            + " pinned here",
                    inherited.oldPid(),
                    inherited.oldPid());
        }
    }

    /** The process with that pid is the one that answered: a reused pid must not be signalled. */
    private static boolean sameStart(ProcessHandle p, long startMillis) {
        Optional<Instant> start = p.info().startInstant();
        return start.isEmpty()
                || Duration.between(start.get(), Instant.ofEpochMilli(startMillis))
                                .abs()
                                .compareTo(Duration.ofSeconds(2))
                        < 0;
    }

    /** The old process is gone: its writers no longer bind this one, unless an operator's pin says otherwise. */
    private void release() {
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
