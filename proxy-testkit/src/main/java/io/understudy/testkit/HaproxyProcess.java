package io.understudy.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real HAProxy (Debian's {@code haproxy} package) in the foreground, for parity tests: same topology as the proxy
 * under test, its stats sockets in a temp dir. Always killed on close.
 */
public final class HaproxyProcess implements AutoCloseable {
    private final Process process;
    private final Path dir;
    private final Path log;

    private HaproxyProcess(Process process, Path dir, Path log) {
        this.process = process;
        this.dir = dir;
        this.log = log;
    }

    /**
     * Starts {@code haproxy -db -f <dir>/haproxy.cfg} with {@code config} written there, and waits until every socket
     * in {@code sockets} (paths HAProxy creates) exists.
     */
    public static HaproxyProcess start(Path dir, String config, List<Path> sockets) {
        try {
            Path cfg = dir.resolve("haproxy.cfg");
            Files.writeString(cfg, config);
            Path log = dir.resolve("haproxy.log");
            Process p = new ProcessBuilder(binary(), "-db", "-f", cfg.toString())
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .start();
            HaproxyProcess h = new HaproxyProcess(p, dir, log);
            try {
                Poll.until(
                        "haproxy's sockets " + sockets,
                        Duration.ofSeconds(20),
                        () -> {
                            if (!p.isAlive()) {
                                throw new Poll.Abort("haproxy exited with " + p.exitValue());
                            }
                            return sockets.stream().allMatch(Files::exists);
                        },
                        h::log);
            } catch (RuntimeException e) {
                h.close();
                throw e;
            }
            return h;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String log() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "";
        }
    }

    public Path dir() {
        return dir;
    }

    /** Debian installs it in /usr/sbin, which a non-login PATH may lack. */
    static String binary() {
        return Files.isExecutable(Path.of("/usr/sbin/haproxy")) ? "/usr/sbin/haproxy" : "haproxy";
    }

    /** The version line, e.g. {@code HAProxy version 2.6.12-1+deb12u4 ...}. */
    public static String version() {
        try {
            Process p =
                    new ProcessBuilder(binary(), "-v").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            p.waitFor(10, TimeUnit.SECONDS);
            return out.lines().findFirst().orElse("");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }
}
