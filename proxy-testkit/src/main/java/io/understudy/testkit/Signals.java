package io.understudy.testkit;

import java.io.IOException;
import java.util.concurrent.TimeUnit;

/** Sends POSIX signals the JDK has no API for (SIGSTOP, SIGCONT) by running {@code kill}. */
final class Signals {
    private Signals() {}

    static void send(long pid, String signal) {
        try {
            Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(pid))
                    .redirectErrorStream(true)
                    .start();
            if (!kill.waitFor(10, TimeUnit.SECONDS)) {
                kill.destroyForcibly();
                throw new MariaDbFixtureException("kill -" + signal + " " + pid + " did not return");
            }
            if (kill.exitValue() != 0) {
                String out = new String(kill.getInputStream().readAllBytes()).trim();
                throw new MariaDbFixtureException("kill -" + signal + " " + pid + " failed: " + out);
            }
        } catch (IOException e) {
            throw new MariaDbFixtureException("cannot run kill -" + signal + " " + pid, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MariaDbFixtureException("interrupted sending SIG" + signal + " to " + pid, e);
        }
    }
}
