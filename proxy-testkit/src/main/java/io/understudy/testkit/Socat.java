package io.understudy.testkit;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** The real {@code socat}, as operators use it on an admin socket: {@code echo "cmd" | socat stdio SOCK}. */
public final class Socat {
    private Socat() {}

    /** Sends {@code input} (usually one command line and a newline) and returns everything the socket answered. */
    public static String send(Path socket, String input) {
        try {
            // -t: how long socat waits for the answer once it has sent its input (0.5 s by default). A busy CI machine
            // can take longer than that to answer, and socat would then print nothing and exit 0; the proxy closes
            // the connection after its answer, so a longer wait costs nothing when all is well.
            Process p = new ProcessBuilder("socat", "-t", "10", "stdio", "UNIX-CONNECT:" + socket)
                    .redirectError(ProcessBuilder.Redirect.DISCARD)
                    .start();
            try (OutputStream in = p.getOutputStream()) {
                in.write(input.getBytes(StandardCharsets.UTF_8));
            }
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(20, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new MariaDbFixtureException("socat on " + socket + " did not finish");
            }
            if (p.exitValue() != 0) {
                // An unreachable socket must not read as an empty answer.
                throw new MariaDbFixtureException("socat on " + socket + " exited with " + p.exitValue());
            }
            return new String(out, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MariaDbFixtureException("interrupted", e);
        }
    }

    /** {@code echo "command" | socat stdio SOCK}. */
    public static String command(Path socket, String command) {
        return send(socket, command + "\n");
    }
}
