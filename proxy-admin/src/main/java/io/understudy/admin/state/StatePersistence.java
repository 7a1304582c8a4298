package io.understudy.admin.state;

import io.understudy.admin.state.AdminState.Note;
import io.understudy.core.model.ControlObserver;
import io.understudy.core.model.ControlPlane;
import io.understudy.core.model.Server;
import io.understudy.core.model.ServerState;
import io.understudy.core.model.ServerTransition;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps operators' runtime decisions across restarts: restores the state file at start, then rewrites it after every
 * change of admin flags, weight or manual-failback pin. Unlike HAProxy's {@code server-state-file} nothing has to dump
 * the state before a reload; the file is always current (within the coalescing delay).
 *
 * <p>Wiring: {@link #start} (construct, {@link #restore()}, register as observer) before the health checks start and
 * the frontends bind, so that no session reaches a server the operator had taken out; {@link #close()} after the
 * engine stopped, which writes the last change.
 *
 * <p>Rules:
 *
 * <ul>
 *   <li>What is kept: forced maintenance, drain, a weight that differs from the config's, and the backup a {@code
 *       failback = manual} backend's traffic is pinned to. Health is not kept: checks re-learn it, and a stale "up"
 *       sends traffic to a dead server.
 *   <li>A missing file is a first start: an INFO line, nothing else.
 *   <li>A corrupt file (not the format, another version, truncated, not UTF-8): a WARN naming the file and the
 *       problem, start from the config's state, and the file is moved aside as {@code <file>.corrupt-<time>}; a fresh
 *       file is written at the next change.
 *   <li>The config wins for topology: an entry naming a backend or server the config no longer has is ignored with a
 *       WARN per entry. A server the config marks {@code disabled} stays in maintenance whatever the file says.
 *   <li>A pin is restored only if it names a backup of a {@code failback = manual} backend that is usable once the
 *       server decisions are applied; otherwise WARN and the normal order applies.
 *   <li>Each restored decision is logged at INFO with when and why it was taken. Restoring does not rewrite the file;
 *       the next change does (dropping ignored entries).
 * </ul>
 */
public final class StatePersistence implements ControlObserver, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(StatePersistence.class);

    private static final long CONTROL_TIMEOUT_SECONDS = 30;

    /** How {@link #restore()} went. */
    public enum Outcome {
        /** No file: a first start. */
        NO_FILE,
        /** The file was read and applied (some entries may have been ignored: see the report). */
        RESTORED,
        /** The file could not be trusted and was moved aside. */
        CORRUPT,
        /** The file could not be read at all (permissions, I/O error); it was left where it is. */
        UNREADABLE
    }

    /**
     * The result of {@link #restore()}.
     *
     * @param outcome what happened to the file
     * @param report the decisions restored and ignored (empty unless {@link Outcome#RESTORED})
     * @param setAside where a corrupt file was moved, if it was
     */
    public record Restore(Outcome outcome, StateImport.Report report, Optional<Path> setAside) {}

    private final ControlPlane control;
    private final StateFile file;
    private final StateWriter writer;

    /** Control thread only: the decisions last handed to the writer (or restored), with their notes. */
    private AdminState current = AdminState.EMPTY;

    /** Control thread only: while a restore applies the file, its own changes are not written back. */
    private boolean restoring;

    public StatePersistence(ControlPlane control, StateFileSettings settings) {
        this.control = control;
        this.file = new StateFile(settings.path());
        this.writer = new StateWriter(file, settings.coalesce());
    }

    /** Constructs, restores the file and starts writing it on every change: the usual wiring, in one call. */
    public static StatePersistence start(ControlPlane control, StateFileSettings settings) {
        StatePersistence p = new StatePersistence(control, settings);
        // Observing before restoring: a change racing with the restore is written, the restore's own changes are not.
        control.addObserver(p);
        p.restore();
        return p;
    }

    public Path path() {
        return file.path();
    }

    /**
     * Reads the file and applies it through the control plane, logging every decision restored or ignored; blocks
     * until applied. Call once, at start, before health checks run and frontends bind.
     */
    public Restore restore() {
        StateImport.Report none = new StateImport.Report(List.of(), List.of());
        AdminState fromFile;
        try {
            Optional<AdminState> read = file.read();
            if (read.isEmpty()) {
                LOG.info("state file {} does not exist yet: starting from the config's state", file.path());
                onControl(() -> current = capture(AdminState.EMPTY, Note.UNRECORDED));
                return new Restore(Outcome.NO_FILE, none, Optional.empty());
            }
            fromFile = read.get();
        } catch (StateFileException e) {
            Optional<Path> aside = setAside();
            LOG.warn(
                    "state file {} is corrupt ({}): starting from the config's state; {}",
                    file.path(),
                    e.getMessage(),
                    aside.map(p -> "the file is kept as " + p + "; a fresh one is written at the next change")
                            .orElse("it will be overwritten at the next change"));
            onControl(() -> current = capture(AdminState.EMPTY, Note.UNRECORDED));
            return new Restore(Outcome.CORRUPT, none, aside);
        } catch (IOException e) {
            LOG.warn("state file {} cannot be read ({}): starting from the config's state", file.path(), e.toString());
            onControl(() -> current = capture(AdminState.EMPTY, Note.UNRECORDED));
            return new Restore(Outcome.UNREADABLE, none, Optional.empty());
        }
        onControl(() -> restoring = true);
        StateImport.Report report;
        try {
            report = StateImport.apply(fromFile, control, file.path().toString());
        } finally {
            // The file's notes carry over, so the next write still says when the operator took each decision.
            onControl(() -> {
                restoring = false;
                current = capture(fromFile, Note.of(Instant.now(), "restored"));
            });
        }
        LOG.info(
                "state file {}: {} decision(s) restored, {} ignored",
                file.path(),
                report.restored().size(),
                report.ignored().size());
        return new Restore(Outcome.RESTORED, report, Optional.empty());
    }

    private Optional<Path> setAside() {
        try {
            return Optional.of(file.setAside(Instant.now()));
        } catch (IOException e) {
            LOG.warn("state file {}: cannot move it aside: {}", file.path(), e.toString());
            return Optional.empty();
        }
    }

    /** Control thread: snapshot the decisions if this change touched one, and hand the snapshot to the writer. */
    @Override
    public void onTransition(ServerTransition t) {
        if (restoring || !touchesDecisions(t)) {
            return;
        }
        String why = reason(t);
        AdminState next = capture(current, Note.of(Instant.now(), why));
        // A pin moving on an auto-failback backend, or a flag set and cleared in one go, is no decision to keep.
        if (next.equals(current)) {
            return;
        }
        current = next;
        writer.submit(next, Note.of(Instant.now(), t.server().id() + ": " + why));
    }

    private static boolean touchesDecisions(ServerTransition t) {
        return !t.before().admin().equals(t.after().admin())
                || t.before().weight() != t.after().weight()
                || !t.snapshotBefore().pinned().equals(t.snapshot().pinned());
    }

    /** Why this change happened, as well as the transition tells: it becomes the note of any new decision. */
    private static String reason(ServerTransition t) {
        ServerState a = t.after();
        if (!t.before().admin().equals(a.admin())) {
            return a.reason();
        }
        if (t.before().weight() != a.weight()) {
            return "weight changed from " + t.before().weight() + " to " + a.weight();
        }
        Optional<Server> pin = t.snapshot().pinned();
        if (!t.changed()) {
            // An operator's traffic move: the transition does not carry the operator's reason.
            return pin.map(s -> "traffic moved to " + s.id()).orElse("traffic moved back to the normal order");
        }
        return pin.map(s -> "failover to " + s.id() + " after " + t.server().id() + ": " + a.reason())
                .orElse("pin dropped after " + t.server().id() + ": " + a.reason());
    }

    private AdminState capture(AdminState previous, Note fresh) {
        return AdminState.capture(control.backends(), previous, fresh);
    }

    /**
     * Writes every change made so far and returns when it is on disk: first lets the control plane deliver the changes
     * queued before this call, then waits for the writer. For tests and shutdown.
     *
     * @return whether everything was written
     */
    public boolean flush() {
        try {
            control.submit(() -> {}).get(CONTROL_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (RejectedExecutionException e) {
            // The control plane is closed: nothing more can arrive; write what did.
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            LOG.warn("state file {}: control plane did not answer the flush: {}", file.path(), e.toString());
        }
        return writer.flush();
    }

    /** Successful writes so far. */
    public long writes() {
        return writer.writes();
    }

    /** Writes the last change, then stops the writer thread. */
    @Override
    public void close() {
        flush();
        writer.close();
    }

    private void onControl(Runnable r) {
        try {
            control.submit(r).get(CONTROL_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("control plane did not run the state restore step", e);
        }
    }
}
