package io.understudy.core.reload;

import io.understudy.core.config.ConfigException;
import io.understudy.core.config.ConfigLoader;
import io.understudy.core.config.ConfigProblem;
import io.understudy.core.config.ProxyConfig;
import io.understudy.core.config.ReloadScope;
import io.understudy.core.model.Commit;
import io.understudy.core.model.ControlCommand;
import io.understudy.core.model.ControlPlane;
import io.understudy.core.model.ModelEvent;
import io.understudy.core.model.Origin;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reloads the configuration file in place (SIGHUP, the admin socket's {@code reload}): reads and validates the whole
 * file first, refuses it whole when it is invalid or changes what only a restart can (sockets, threads, the routing
 * algorithm), and otherwise applies the difference as one {@link ControlCommand.Reload}. Listening sockets are never
 * touched, so a reload refuses no connection. One reload at a time; never on an event loop (it reads a file and waits
 * for the control plane).
 */
public final class ConfigReloader {
    private static final Logger LOG = LoggerFactory.getLogger(ConfigReloader.class);

    /**
     * What a reload did.
     *
     * @param applied whether the file is now in force (false: nothing changed)
     * @param text the reply for the operator, one line per changed object or per reason for refusing
     */
    public record Result(boolean applied, String text) {}

    private static final long WAIT_SECONDS = 7;

    private final Path file;
    private final ControlPlane control;

    public ConfigReloader(Path file, ControlPlane control) {
        this.file = file;
        this.control = control;
    }

    /** The file a reload reads. */
    public Path file() {
        return file;
    }

    public synchronized Result reload(Origin origin) {
        ProxyConfig next;
        try {
            next = ConfigLoader.load(file);
        } catch (ConfigException e) {
            List<String> lines = new ArrayList<>();
            lines.add("Reload refused, nothing changed: " + file + " is invalid ("
                    + e.problems().size() + " problem(s)):");
            e.problems().stream().map(ConfigProblem::describe).forEach(p -> lines.add("  " + p));
            return refused(lines);
        }
        ProxyConfig running = control.config().orElse(null);
        if (running == null) {
            return refused(List.of("Reload refused, nothing changed: the proxy has not started"));
        }
        List<String> restart = ReloadScope.needsRestart(running, next);
        if (!restart.isEmpty()) {
            List<String> lines = new ArrayList<>();
            lines.add("Reload refused, nothing changed: " + file
                    + " changes what only a restart can change (apply it with a restart, or undo these):");
            restart.forEach(r -> lines.add("  " + r));
            return refused(lines);
        }
        Commit commit;
        try {
            // Under the admin socket's command timeout (10 s), so that the operator gets this answer, not a timeout.
            commit = control.apply(new ControlCommand.Reload(next, origin, file.toString()))
                    .get(WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return refused(List.of("Reload not confirmed (interrupted): it may still apply; see show events"));
        } catch (TimeoutException e) {
            return refused(List.of("Reload not confirmed within " + WAIT_SECONDS
                    + "s (the control plane is busy): it may still apply; see show events"));
        } catch (ExecutionException e) {
            return refused(List.of("Reload failed: " + e.getCause() + "; see show events for what applied"));
        }
        if (commit.refusal().isPresent()) {
            return refused(List.of(
                    "Reload refused, nothing changed: " + commit.refusal().get()));
        }
        List<String> lines = new ArrayList<>();
        String summary = "";
        for (ModelEvent e : commit.events()) {
            if (e instanceof ModelEvent.ConfigReloaded r) {
                summary = r.change();
            } else if (e.visible()) {
                lines.add("  " + e.object() + " " + e.change() + reasonOf(e));
            }
        }
        lines.add(0, "Reload applied (generation " + commit.generation() + "): " + summary);
        LOG.info("{}", lines.get(0));
        return new Result(true, String.join("\n", lines) + "\n");
    }

    private static String reasonOf(ModelEvent e) {
        String why = e.reason().text();
        return e instanceof ModelEvent.ServerChanged && !why.isEmpty() ? " (" + why + ")" : "";
    }

    private static Result refused(List<String> lines) {
        LOG.warn("{}", String.join("\n", lines));
        return new Result(false, String.join("\n", lines) + "\n");
    }
}
