package io.understudy.testkit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * Runs the real {@code mariadb} command-line client, e.g. through the proxy, and returns what it printed. Instances
 * are immutable: each {@code with}-style method returns a copy. Stdin, stdout and stderr go through temp files, so
 * a client that stops reading or floods its output cannot block the test, and on timeout the client is SIGKILLed
 * and reaped before this returns.
 *
 * <pre>{@code
 * MariaDbCli.to("127.0.0.1", proxyPort, "app", "app").batch().execute("SELECT @@server_id").stdout();
 * }</pre>
 */
public final class MariaDbCli {
    /** What the client did: its exit code (-1 if it timed out), stdout and stderr. */
    public record Result(int exitCode, String stdout, String stderr, boolean timedOut) {
        public boolean succeeded() {
            return exitCode == 0 && !timedOut;
        }

        @Override
        public String toString() {
            return "exit " + exitCode + (timedOut ? " (timed out)" : "") + ", stdout: " + stdout + ", stderr: "
                    + stderr;
        }
    }

    private final String host;
    private final int port;
    private final String user;
    private final String password;
    private final String database;
    private final List<String> extraArgs;
    private final String stdin;
    private final Duration timeout;

    private MariaDbCli(
            String host,
            int port,
            String user,
            String password,
            String database,
            List<String> extraArgs,
            String stdin,
            Duration timeout) {
        this.host = host;
        this.port = port;
        this.user = user;
        this.password = password;
        this.database = database;
        this.extraArgs = List.copyOf(extraArgs);
        this.stdin = stdin;
        this.timeout = timeout;
    }

    /** A client for {@code user} at {@code host:port} over TCP; {@code password} may be null or empty for none. */
    public static MariaDbCli to(String host, int port, String user, String password) {
        return new MariaDbCli(
                Objects.requireNonNull(host), port, user, password, null, List.of(), null, Duration.ofSeconds(30));
    }

    public static MariaDbCli to(MariaDbServer server, String user, String password) {
        return to(server.host(), server.port(), user, password);
    }

    /** The default database to use. */
    public MariaDbCli database(String name) {
        return new MariaDbCli(host, port, user, password, name, extraArgs, stdin, timeout);
    }

    /** More command-line arguments, e.g. {@code --local-infile=1}, {@code --ssl=0}, {@code --reconnect}. */
    public MariaDbCli args(String... more) {
        List<String> all = new ArrayList<>(extraArgs);
        all.addAll(List.of(more));
        return new MariaDbCli(host, port, user, password, database, all, stdin, timeout);
    }

    /** Tab-separated rows without headers: {@code --batch --skip-column-names}. */
    public MariaDbCli batch() {
        return args("--batch", "--skip-column-names");
    }

    /** Text fed to the client's standard input (by default it gets an empty stdin). */
    public MariaDbCli stdin(String input) {
        return new MariaDbCli(host, port, user, password, database, extraArgs, input, timeout);
    }

    /** How long the client may run before it is killed; 30 s by default. */
    public MariaDbCli timeout(Duration limit) {
        return new MariaDbCli(host, port, user, password, database, extraArgs, stdin, Objects.requireNonNull(limit));
    }

    /** Runs {@code mariadb ... -e sql}. */
    public Result execute(String sql) {
        return run(List.of("-e", sql));
    }

    /** Runs the client without {@code -e}, so it reads statements from {@link #stdin(String)}. */
    public Result run() {
        return run(List.of());
    }

    /** The full command line for {@code trailing} arguments; public so failures can be reproduced by hand. */
    public List<String> command(List<String> trailing) {
        List<String> cmd = new ArrayList<>();
        cmd.add(MariaDbBinaries.client().toString());
        // Ignore /etc/mysql and ~/.my.cnf: a developer's client settings must not change what a test does.
        cmd.add("--no-defaults");
        cmd.add("--protocol=TCP");
        cmd.add("--host=" + host);
        cmd.add("--port=" + port);
        cmd.add("--user=" + user);
        if (password != null && !password.isEmpty()) {
            cmd.add("--password=" + password);
        }
        cmd.add("--connect-timeout=10");
        cmd.addAll(extraArgs);
        if (database != null) {
            cmd.add("--database=" + database);
        }
        cmd.addAll(trailing);
        return cmd;
    }

    private Result run(List<String> trailing) {
        Path dir = null;
        try {
            dir = Files.createTempDirectory("understudy-mariadb-cli-");
            Path in = Files.writeString(dir.resolve("stdin"), stdin == null ? "" : stdin, StandardCharsets.UTF_8);
            Path out = dir.resolve("stdout");
            Path err = dir.resolve("stderr");
            ProcessBuilder builder = new ProcessBuilder(command(trailing))
                    .redirectInput(in.toFile())
                    .redirectOutput(out.toFile())
                    .redirectError(err.toFile());
            Map<String, String> env = builder.environment();
            // These would override the command line's connection settings.
            env.keySet().removeIf(k -> k.startsWith("MYSQL_") || k.startsWith("MARIADB_"));
            Process process = builder.start();
            boolean finished;
            try {
                finished = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                finished = false;
            } finally {
                if (process.isAlive()) {
                    process.destroyForcibly();
                    awaitQuietly(process);
                }
            }
            return new Result(
                    finished ? process.exitValue() : -1,
                    Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8),
                    !finished);
        } catch (IOException e) {
            throw new MariaDbFixtureException("cannot run the mariadb client", e);
        } finally {
            try {
                TempDirs.deleteTree(dir);
            } catch (IOException ignored) {
                // A leftover few-byte temp dir is not worth failing the test over.
            }
        }
    }

    private static void awaitQuietly(Process process) {
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
