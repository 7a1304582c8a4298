package io.understudy.admin.state;

import io.understudy.core.model.AdminState;
import io.understudy.core.model.AdminState.Note;
import io.understudy.core.model.Commit;
import io.understudy.core.model.ControlCommand;
import io.understudy.core.model.ControlObserver;
import io.understudy.core.model.ControlPlane;
import io.understudy.core.model.ModelEvent;
import io.understudy.core.model.Origin;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
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
 * engine stopped, which writes the last change. The decisions themselves, with when and why each was taken, are the
 * model's ({@link ControlPlane#adminState()}); this class only reads them and imports the file through the control
 * plane, as one {@link ControlCommand.ImportAdminState} command.
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
 *   <li>The import is exact: the file's decisions become the running ones.
 *   <li>Each restored decision is logged at INFO with when and why it was taken. Restoring does not rewrite the file
 *       (changes that come from the file are never echoed back); the next change does (dropping ignored entries).
 *       A peer's decisions are written: they are this proxy's too.
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

    /**
     * The result of {@link #restore()}.
     *
     * @param outcome what happened to the file
     * @param report the decisions restored and ignored (empty unless {@link Outcome#RESTORED})
     * @param setAside where a corrupt file was moved, if it was
     */
    public record Restore(Outcome outcome, Report report, Optional<Path> setAside) {}

    private final ControlPlane control;
    private final StateFile file;
    private final StateWriter writer;

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
     * Reads the file and imports it through the control plane, logging every decision restored or ignored; blocks
     * until applied. Call once, at start, before health checks run and frontends bind.
     */
    public Restore restore() {
        Report none = new Report(List.of(), List.of());
        AdminState fromFile;
        try {
            Optional<AdminState> read = file.read();
            if (read.isEmpty()) {
                LOG.info("state file {} does not exist yet: starting from the config's state", file.path());
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
            return new Restore(Outcome.CORRUPT, none, aside);
        } catch (IOException e) {
            LOG.warn("state file {} cannot be read ({}): starting from the config's state", file.path(), e.toString());
            return new Restore(Outcome.UNREADABLE, none, Optional.empty());
        }
        String source = file.path().toString();
        Commit commit;
        try {
            commit = control.apply(new ControlCommand.ImportAdminState(fromFile, Origin.STATE_FILE, source))
                    .get(CONTROL_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while restoring " + source, e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("the control plane did not apply the state file " + source, e);
        }
        commit.restored().forEach(line -> LOG.info("restored from {}: {}", source, line));
        commit.ignored().forEach(line -> LOG.warn("state file {}: {}; ignored", source, line));
        LOG.info(
                "state file {}: {} decision(s) restored, {} ignored",
                source,
                commit.restored().size(),
                commit.ignored().size());
        return new Restore(Outcome.RESTORED, new Report(commit.restored(), commit.ignored()), Optional.empty());
    }

    private Optional<Path> setAside() {
        try {
            return Optional.of(file.setAside(Instant.now()));
        } catch (IOException e) {
            LOG.warn("state file {}: cannot move it aside: {}", file.path(), e.toString());
            return Optional.empty();
        }
    }

    /** Not used: {@link #onAdminState} says when the decisions changed. */
    @Override
    public void onEvent(ModelEvent event) {}

    /**
     * Control thread: hands the decisions to the writer when they, or their epoch, changed. What came from the file
     * itself is not written back (it would only echo it); what a peer sent is, so that a restart never falls back to
     * a state older than the pair's.
     */
    @Override
    public void onAdminState(AdminState state, Origin origin, Note lastChange) {
        if (origin == Origin.STATE_FILE) {
            return;
        }
        synchronized (this) {
            if (paused) {
                held = new Object[] {state, lastChange};
                return;
            }
            // Under the lock: a pause that starts now finds this change submitted, and flushes it.
            writer.submit(state, lastChange);
        }
    }

    /** While a new process takes over, the file is its own: changes here are held, not written. Guarded by this. */
    private boolean paused;

    private Object[] held;

    /**
     * Writes what is pending, then stops writing: the process taking over ({@code _handover}) reads the file next and
     * owns it from then on. Changes made here meanwhile are held, and written only if {@link #resume} is called.
     */
    public void pause() {
        synchronized (this) {
            paused = true;
        }
        // Everything submitted before the pause is on disk when this returns.
        flush();
    }

    /** The takeover failed: writes what was held, and writes again from now on. */
    public void resume() {
        Object[] h;
        synchronized (this) {
            paused = false;
            h = held;
            held = null;
        }
        if (h != null) {
            writer.submit((AdminState) h[0], (Note) h[1]);
        }
    }

    /**
     * Writes every change handed over so far and returns when it is on disk. A command's future completes after its
     * events were handed over, so a caller that waited for it finds its change written. For tests and shutdown.
     *
     * @return whether everything was written
     */
    public boolean flush() {
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
}
