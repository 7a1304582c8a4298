package io.understudy.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes sure no {@code mariadbd} outlives the JVM that started it and no temp dir is left behind. Everything the
 * fixture creates lives under one per-JVM scratch directory. Two safety nets cover a test run that never calls
 * {@code close()}: a shutdown hook (normal exit, an uncaught exception, Ctrl-C) and a watchdog shell process that
 * notices the JVM's death by end-of-file on its stdin pipe, which also covers {@code kill -9} of the JVM.
 */
final class FixtureReaper {
    /** Something that can be torn down from the shutdown hook without taking locks a test thread may hold. */
    interface Resource {
        void forceCleanup();
    }

    /** Name of the file in each server's directory that holds its pid, read by the watchdog. */
    static final String PID_FILE = "server.pid";

    private static final Logger log = LoggerFactory.getLogger(FixtureReaper.class);

    /**
     * Runs when the JVM's end of its stdin pipe closes: SIGKILLs every server whose command line still names its
     * directory (so a recycled pid is never hit), resuming it first in case it was frozen, then deletes the root.
     */
    private static final String WATCHDOG_SCRIPT = "root=\"$1\"\n"
            + "cat >/dev/null\n"
            + "for f in \"$root\"/*/" + PID_FILE + "; do\n"
            + "  [ -f \"$f\" ] || continue\n"
            + "  d=$(dirname \"$f\"); p=$(cat \"$f\")\n"
            + "  if grep -aq -- \"$d/\" \"/proc/$p/cmdline\" 2>/dev/null; then kill -CONT \"$p\"; kill -9 \"$p\"; fi\n"
            + "done\n"
            + "rm -rf -- \"$root\"\n";

    private static final Set<Resource> RESOURCES = ConcurrentHashMap.newKeySet();

    private static Path root;

    /** Held only so that its stdin pipe stays open (a collected Process would close it and fire the watchdog). */
    @SuppressWarnings("unused")
    private static Process watchdog;

    private FixtureReaper() {}

    /** The per-JVM scratch directory, created (with the shutdown hook and watchdog) on first use. */
    static synchronized Path root() {
        if (root == null) {
            try {
                root = Files.createTempDirectory(
                        "understudy-mariadb-" + ProcessHandle.current().pid() + "-");
            } catch (IOException e) {
                throw new UncheckedIOException("cannot create the fixture's scratch directory", e);
            }
            Runtime.getRuntime().addShutdownHook(new Thread(FixtureReaper::cleanupAll, "mariadb-fixture-cleanup"));
            watchdog = startWatchdog(root);
        }
        return root;
    }

    static void register(Resource resource) {
        RESOURCES.add(resource);
    }

    static void unregister(Resource resource) {
        RESOURCES.remove(resource);
    }

    private static Process startWatchdog(Path dir) {
        try {
            Process process = new ProcessBuilder("sh", "-c", WATCHDOG_SCRIPT, "understudy-watchdog", dir.toString())
                    // Its output must not hold the test runner's pipes open after the JVM is gone.
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectError(ProcessBuilder.Redirect.DISCARD)
                    .start();
            log.debug("watchdog pid {} guards {}", process.pid(), dir);
            return process;
        } catch (IOException e) {
            // The shutdown hook still covers ordinary exits; only a SIGKILLed JVM would leak servers.
            log.warn("cannot start the watchdog for {}; relying on the shutdown hook alone", dir, e);
            return null;
        }
    }

    private static void cleanupAll() {
        List<Resource> snapshot = new ArrayList<>(RESOURCES);
        for (Resource resource : snapshot) {
            try {
                resource.forceCleanup();
            } catch (RuntimeException e) {
                log.warn("cleanup of {} failed", resource, e);
            }
        }
        Path dir;
        Process dog;
        synchronized (FixtureReaper.class) {
            dir = root;
            dog = watchdog;
        }
        try {
            TempDirs.deleteTree(dir);
        } catch (IOException e) {
            log.warn("cannot delete {}", dir, e);
        }
        if (dog != null) {
            dog.destroy();
        }
    }
}
