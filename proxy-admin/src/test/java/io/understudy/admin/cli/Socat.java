package io.understudy.admin.cli;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Talks to an admin socket with the real {@code socat}, as operators' scripts do ({@code echo "cmd" | socat stdio
 * UNIX-CONNECT:path}): writes the input, closes stdin (socat then half-closes the socket), returns everything socat
 * printed once it exits.
 */
final class Socat {
    private Socat() {}

    static String run(Path socket, String input) throws IOException, InterruptedException {
        // -t 5: after stdin's EOF, wait up to 5 s (not socat's default 0.5 s) for the server to answer and close.
        Process p = new ProcessBuilder("socat", "-t", "5", "stdio", "UNIX-CONNECT:" + socket)
                .redirectErrorStream(false)
                .start();
        try (OutputStream in = p.getOutputStream()) {
            in.write(input.getBytes(StandardCharsets.UTF_8));
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Thread reader = new Thread(() -> copy(p.getInputStream(), out), "socat-out");
        reader.start();
        if (!p.waitFor(20, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("socat did not finish within 20 s: " + input);
        }
        reader.join(5_000);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.exitValue() != 0) {
            throw new AssertionError("socat exited " + p.exitValue() + ": " + err);
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    /** {@code echo "<line>" | socat ...}. */
    static String line(Path socket, String line) throws IOException, InterruptedException {
        return run(socket, line + "\n");
    }

    private static void copy(InputStream from, ByteArrayOutputStream to) {
        try {
            from.transferTo(to);
        } catch (IOException e) {
            // process ended
        }
    }
}
