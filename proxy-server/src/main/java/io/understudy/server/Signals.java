package io.understudy.server;

import io.understudy.core.reload.ConfigReloader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The signals an HAProxy operator sends, given HAProxy's meaning where Understudy has one and a harmless one where it
 * does not yet. Without a handler the JVM dies on SIGUSR2 (a SIGSEGV in its suspend/resume handler, exit 134, an
 * hs_err file and a stale admin socket) and stops on SIGHUP (exit 129): what Debian's HAProxy unit and {@code
 * systemctl reload} habits send. Installed once, first thing in the process. SIGUSR2 is also HotSpot's own thread
 * suspend signal unless {@code _JAVA_SR_SIGNUM} moves it: JFR's sampler then sends it every few milliseconds and each
 * one would be a reload. The launcher ({@code bin/understudy}) moves it to a real-time signal; a JVM started otherwise
 * should set {@code _JAVA_SR_SIGNUM} too before profiling with JFR.
 *
 * <ul>
 *   <li>SIGHUP, SIGUSR2: reload the configuration file in place ({@link ConfigReloader}): a file that is invalid, or
 *       that changes what only a restart can, changes nothing, and the log says why. The listening sockets stay, so no
 *       connection is refused. Before the proxy has started, one WARN line says the signal was ignored.
 *   <li>SIGUSR1: HAProxy's soft stop: the graceful stop of SIGTERM (listeners closed, sessions get {@code
 *       hard-stop-after}), exit code 0.
 *   <li>SIGTERM, SIGINT: the JVM's own (the shutdown hook stops gracefully; exit 143 / 130). SIGQUIT: the JVM's thread
 *       dump.
 * </ul>
 */
final class Signals {
    private static final Logger LOG = LoggerFactory.getLogger(Signals.class);

    private Signals() {}

    /** What SIGHUP and SIGUSR2 reload, once the proxy runs. */
    private static volatile ConfigReloader reloader;

    static void install() {
        handle("HUP", () -> reload("SIGHUP"));
        handle("USR2", () -> reload("SIGUSR2"));
        handle("USR1", () -> {
            LOG.info("SIGUSR1: soft stop (as HAProxy): no new connections, sessions finish within hard-stop-after");
            // System.exit runs the shutdown hook (the graceful stop); the handler runs on its own thread.
            System.exit(ExitCodes.OK);
        });
    }

    /** From now on SIGHUP and SIGUSR2 reload through {@code r}. */
    static void reloadWith(ConfigReloader r) {
        reloader = r;
    }

    private static void reload(String name) {
        ConfigReloader r = reloader;
        if (r == null) {
            LOG.warn("{}: ignored, the proxy is still starting (send it again once it listens)", name);
            return;
        }
        // The handler runs on a thread of its own: reading the file and waiting for the commit block nothing else.
        // The reloader logs the outcome (applied, or refused with the reasons).
        LOG.info("{}: reloading {}", name, r.file());
        r.reload(io.understudy.core.model.Origin.RELOAD);
    }

    @SuppressWarnings("restriction")
    private static void handle(String name, Runnable action) {
        try {
            sun.misc.Signal.handle(new sun.misc.Signal(name), s -> action.run());
        } catch (IllegalArgumentException e) {
            // The JVM keeps this signal for itself (another JVM, another OS): its default stays.
            LOG.warn("signal {} cannot be handled here: {}", name, e.getMessage());
        }
    }
}
