package io.understudy.server;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The signals an HAProxy operator sends, given HAProxy's meaning where Understudy has one and a harmless one where it
 * does not yet. Without a handler the JVM dies on SIGUSR2 (a SIGSEGV in its suspend/resume handler, exit 134, an
 * hs_err file and a stale admin socket) and stops on SIGHUP (exit 129): what Debian's HAProxy unit and {@code
 * systemctl reload} habits send. Installed once, first thing in the process.
 *
 * <ul>
 *   <li>SIGHUP, SIGUSR2: reload. Not implemented yet: one WARN line says so, and the proxy goes on with the
 *       configuration in force.
 *   <li>SIGUSR1: HAProxy's soft stop: the graceful stop of SIGTERM (listeners closed, sessions get {@code
 *       hard-stop-after}), exit code 0.
 *   <li>SIGTERM, SIGINT: the JVM's own (the shutdown hook stops gracefully; exit 143 / 130). SIGQUIT: the JVM's thread
 *       dump.
 * </ul>
 */
final class Signals {
    private static final Logger LOG = LoggerFactory.getLogger(Signals.class);

    private Signals() {}

    static void install() {
        handle("HUP", () -> reloadNotYet("SIGHUP"));
        handle("USR2", () -> reloadNotYet("SIGUSR2"));
        handle("USR1", () -> {
            LOG.info("SIGUSR1: soft stop (as HAProxy): no new connections, sessions finish within hard-stop-after");
            // System.exit runs the shutdown hook (the graceful stop); the handler runs on its own thread.
            System.exit(ExitCodes.OK);
        });
    }

    private static void reloadNotYet(String name) {
        LOG.warn(
                "{}: reload is not supported yet: the configuration in force is unchanged and the proxy keeps running"
                        + " (restart it to apply a new configuration)",
                name);
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
