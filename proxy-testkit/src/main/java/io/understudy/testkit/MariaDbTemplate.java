package io.understudy.testkit;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The datadir every test server is copied from, created once per JVM: {@code mariadb-install-db} runs only here,
 * and the test users and database are added here in bootstrap mode. Doing it before any binlog exists keeps the
 * users out of the binlogs, so replicas never try to create them a second time.
 */
final class MariaDbTemplate {
    /** The accounts tests and health checks log in with; see {@link MariaDbServer} for what each one is for. */
    /** FLUSH PRIVILEGES loads the grant tables, without which bootstrap mode refuses account statements. */
    static final String USERS_SQL =
            """
            DELETE FROM mysql.global_priv WHERE User = '';
            FLUSH PRIVILEGES;
            CREATE USER IF NOT EXISTS 'root'@'127.0.0.1';
            GRANT ALL PRIVILEGES ON *.* TO 'root'@'127.0.0.1' WITH GRANT OPTION;
            CREATE USER 'app'@'%' IDENTIFIED BY 'app';
            GRANT ALL PRIVILEGES ON *.* TO 'app'@'%';
            CREATE USER 'haproxy'@'%';
            CREATE USER 'checkpw'@'%' IDENTIFIED VIA mysql_native_password USING PASSWORD('s3cret');
            GRANT REPLICATION CLIENT, SLAVE MONITOR ON *.* TO 'checkpw'@'%';
            CREATE USER 'repl'@'%' IDENTIFIED BY 'repl';
            GRANT REPLICATION SLAVE, SLAVE MONITOR ON *.* TO 'repl'@'%';
            CREATE DATABASE test;
            """;

    private static final Logger log = LoggerFactory.getLogger(MariaDbTemplate.class);
    private static final long STEP_TIMEOUT_SECONDS = 120;

    private static Path dataDir;
    /** A failed install is not retried: every later test class would spend the same time failing the same way. */
    private static MariaDbFixtureException failure;

    private MariaDbTemplate() {}

    /** The template datadir, created on first call. */
    static synchronized Path dataDir() {
        if (failure != null) {
            throw new MariaDbFixtureException("the template datadir could not be created earlier", failure);
        }
        if (dataDir == null) {
            try {
                dataDir = create(FixtureReaper.root().resolve("template"));
            } catch (MariaDbFixtureException e) {
                failure = e;
                throw e;
            }
        }
        return dataDir;
    }

    private static Path create(Path dir) {
        long start = System.nanoTime();
        long installed = start;
        Path data = dir.resolve("data");
        try {
            Files.createDirectories(dir);
            Path tmp = Files.createDirectories(dir.resolve("tmp"));
            List<String> install = new ArrayList<>(List.of(
                    MariaDbBinaries.installDb().toString(),
                    "--no-defaults",
                    "--auth-root-authentication-method=normal",
                    "--skip-test-db",
                    "--skip-name-resolve",
                    "--datadir=" + data));
            install.addAll(commonArgs(tmp));
            run("mariadb-install-db", install, dir.resolve("install.log"), null);
            installed = System.nanoTime();

            List<String> bootstrap = new ArrayList<>(List.of(
                    MariaDbBinaries.mariadbd().toString(), "--no-defaults", "--bootstrap", "--datadir=" + data));
            bootstrap.addAll(commonArgs(tmp));
            Path sql = dir.resolve("users.sql");
            Files.writeString(sql, USERS_SQL, StandardCharsets.UTF_8);
            // Without --log-error, bootstrap errors go to stderr and so into bootstrap.log.
            run("mariadbd --bootstrap", bootstrap, dir.resolve("bootstrap.log"), sql);
        } catch (IOException e) {
            throw new MariaDbFixtureException("cannot create the template datadir in " + dir, e);
        }
        long end = System.nanoTime();
        log.info(
                "MariaDB template datadir ready in {} ms (install-db {} ms, accounts {} ms): {}",
                TimeUnit.NANOSECONDS.toMillis(end - start),
                TimeUnit.NANOSECONDS.toMillis(installed - start),
                TimeUnit.NANOSECONDS.toMillis(end - installed),
                data);
        return data;
    }

    /**
     * Options for both steps. A private tmpdir is essential: a starting mariadbd deletes every {@code #sql*} file in
     * its tmpdir, so with the default {@code /tmp} any server starting elsewhere on the machine breaks the install.
     */
    private static List<String> commonArgs(Path tmp) {
        List<String> args = new ArrayList<>();
        args.add("--tmpdir=" + tmp);
        if (ServerConfig.runningAsRoot()) {
            args.add("--user=root");
        }
        ServerConfig.LAYOUT_OPTIONS.forEach((k, v) -> args.add("--" + k + "=" + v));
        return args;
    }

    private static void run(String what, List<String> command, Path output, Path stdin) throws IOException {
        ProcessBuilder builder =
                new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile());
        builder.redirectInput(ProcessBuilder.Redirect.from(stdin != null ? stdin.toFile() : new File("/dev/null")));
        Process process = builder.start();
        try {
            if (!process.waitFor(STEP_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
                throw new MariaDbFixtureException(what + " did not finish within " + STEP_TIMEOUT_SECONDS + " s\n"
                        + FileTail.lastLines(output, 30, 0));
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new MariaDbFixtureException("interrupted while running " + what, e);
        }
        if (process.exitValue() != 0) {
            throw new MariaDbFixtureException(what + " failed with exit code " + process.exitValue() + ": " + command
                    + "\nerrors:\n" + FileTail.errorLines(output, 20) + "\nlast lines:\n"
                    + FileTail.lastLines(output, 15, 0));
        }
    }
}
