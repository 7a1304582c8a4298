package io.understudy.testkit;

import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * One run of {@code mariadbd}: launching it, signalling it and waiting for it to exit. Its stdout and stderr are
 * appended to a file so that server chatter never reaches the test output.
 */
final class MariaDbProcess {
    private final Process process;
    private volatile boolean frozen;

    private MariaDbProcess(Process process) {
        this.process = process;
    }

    static MariaDbProcess launch(Path myCnf, Path output) throws IOException {
        Process process = new ProcessBuilder(MariaDbBinaries.mariadbd().toString(), "--defaults-file=" + myCnf)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(output.toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .start();
        return new MariaDbProcess(process);
    }

    long pid() {
        return process.pid();
    }

    /** Whether the process exists; a frozen process is alive. */
    boolean isAlive() {
        return process.isAlive();
    }

    boolean isFrozen() {
        return frozen && process.isAlive();
    }

    int exitValue() {
        return process.exitValue();
    }

    /** SIGSTOP. */
    void freeze() {
        Signals.send(process.pid(), "STOP");
        frozen = true;
    }

    /** SIGCONT, if frozen. */
    void thaw() {
        if (frozen && process.isAlive()) {
            Signals.send(process.pid(), "CONT");
        }
        frozen = false;
    }

    /**
     * SIGTERM, the clean shutdown, falling back to SIGKILL after {@code timeout}.
     *
     * @return whether the process shut down cleanly
     */
    boolean terminate(Duration timeout) {
        // A stopped process cannot act on SIGTERM; resume it so that it can shut down cleanly.
        thaw();
        process.destroy();
        if (awaitExit(timeout)) {
            return true;
        }
        kill(timeout);
        return false;
    }

    /**
     * SIGKILL, which also ends a SIGSTOPped process, and waits for the exit.
     *
     * @return whether the process is gone
     */
    boolean kill(Duration timeout) {
        process.destroyForcibly();
        frozen = false;
        return awaitExit(timeout);
    }

    private boolean awaitExit(Duration timeout) {
        try {
            return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return !process.isAlive();
        }
    }
}
