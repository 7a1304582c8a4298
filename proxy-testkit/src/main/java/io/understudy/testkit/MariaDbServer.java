package io.understudy.testkit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One real {@code mariadbd} process for tests, in its own temp dir on a free loopback port, cloned from a per-JVM
 * template datadir so that a start costs a file copy and a server boot rather than {@code mariadb-install-db}.
 *
 * <p>Every server has these accounts (tests only, never for production):
 *
 * <ul>
 *   <li>{@code root} from 127.0.0.1 without password: the fixture's own administration;
 *   <li>{@code app} / {@code app}, all privileges from any host: the application under test;
 *   <li>{@code haproxy} without password and only USAGE: HAProxy-style {@code mysql-check};
 *   <li>{@code checkpw} / {@code s3cret} (mysql_native_password) with REPLICATION CLIENT and SLAVE MONITOR, so a
 *       SQL health check can run {@code SHOW SLAVE STATUS};
 *   <li>{@code repl} / {@code repl} with REPLICATION SLAVE: replication between fixture servers.
 * </ul>
 *
 * and an empty database {@code test}. {@code local_infile} is on. Waits poll a condition and have timeouts whose
 * errors quote the tail of the server's error log. Every process and directory is removed by {@link #close()}, and
 * by a shutdown hook and a watchdog process if a test run never gets that far.
 */
public final class MariaDbServer implements AutoCloseable {
    /** The only address servers bind to and tests connect to. */
    public static final String HOST = "127.0.0.1";

    private static final Logger log = LoggerFactory.getLogger(MariaDbServer.class);
    private static final AtomicInteger SEQUENCE = new AtomicInteger();
    private static final int PORT_ATTEMPTS = 5;
    private static final int LOG_TAIL_LINES = 25;

    private final String name;
    private final int serverId;
    private final Map<String, String> options;
    private final Duration startTimeout;
    private final Duration stopTimeout;
    private final IntSupplier portSource;
    private final FixtureReaper.Resource reaperEntry = this::forceCleanup;

    // Volatile: the shutdown hook's forceCleanup() reads them without taking the lock.
    private volatile Path dir;
    private volatile Path dataDir;
    private volatile int port = -1;
    private volatile MariaDbProcess process;
    private volatile boolean closed;
    private Duration lastStartTime = Duration.ZERO;

    private MariaDbServer(Builder builder) {
        this.name = builder.name;
        this.serverId = builder.serverId;
        this.options = Collections.unmodifiableMap(new LinkedHashMap<>(builder.options));
        this.startTimeout = builder.startTimeout;
        this.stopTimeout = builder.stopTimeout;
        this.portSource = builder.portSource;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Starts a default server: server_id 1, no binlog. */
    public static MariaDbServer startDefault() {
        return builder().build().start();
    }

    /**
     * Starts the server: on first call in a new directory on a new port (retrying on another port if the chosen one
     * was taken meanwhile), afterwards on the same port and datadir. Returns once root can connect.
     */
    public synchronized MariaDbServer start() {
        if (closed) {
            throw new IllegalStateException(this + " is closed");
        }
        if (isRunning()) {
            return this;
        }
        boolean firstStart = dir == null;
        if (firstStart) {
            prepareDirectory();
        }
        for (int attempt = 1; ; attempt++) {
            if (firstStart) {
                port = portSource.getAsInt();
            }
            try {
                launchAndAwaitReady();
                return this;
            } catch (PortTakenException e) {
                if (!firstStart || attempt >= PORT_ATTEMPTS) {
                    throw new MariaDbFixtureException(
                            this + " cannot bind its port " + port + "\n" + errorLogTail(LOG_TAIL_LINES));
                }
                log.info("{}: port {} was taken before mariadbd bound it, trying another", name, port);
            }
        }
    }

    /** Clean shutdown (SIGTERM, as {@code systemctl stop} does); falls back to SIGKILL after the stop timeout. */
    public synchronized void stop() {
        MariaDbProcess p = process;
        if (p == null || !p.isAlive()) {
            return;
        }
        long start = System.nanoTime();
        if (p.terminate(stopTimeout)) {
            log.info("{} stopped in {} ms", this, elapsedMillis(start));
        } else {
            log.warn("{} ignored SIGTERM for {} s and was killed", this, stopTimeout.toSeconds());
        }
    }

    /** SIGKILL: the server dies without any shutdown, as in a crash or an OOM kill. */
    public synchronized void kill9() {
        MariaDbProcess p = process;
        if (p == null || !p.isAlive()) {
            return;
        }
        if (!p.kill(stopTimeout)) {
            throw new MariaDbFixtureException(this + " survived SIGKILL for " + stopTimeout.toSeconds() + " s");
        }
        log.info("{} killed with SIGKILL", this);
    }

    /** SIGSTOP: the server keeps its sockets open but answers nothing, like a hung host. */
    public synchronized void freeze() {
        requireRunning().freeze();
        log.info("{} frozen (SIGSTOP)", this);
    }

    /** SIGCONT: undoes {@link #freeze()}; does nothing if the server is not frozen. */
    public synchronized void thaw() {
        MariaDbProcess p = process;
        if (p != null && p.isFrozen()) {
            p.thaw();
            log.info("{} thawed (SIGCONT)", this);
        }
    }

    /** Stops the server if it runs, then starts it again on the same port and datadir. */
    public synchronized MariaDbServer restart() {
        stop();
        return start();
    }

    /** Brings the server back to a running, unfrozen state after a test stopped, killed or froze it. */
    public synchronized MariaDbServer ensureRunning() {
        thaw();
        return start();
    }

    /** Whether the process is alive; a frozen server counts as running. */
    public boolean isRunning() {
        MariaDbProcess p = process;
        return p != null && p.isAlive();
    }

    public boolean isFrozen() {
        MariaDbProcess p = process;
        return p != null && p.isFrozen();
    }

    public String name() {
        return name;
    }

    public int serverId() {
        return serverId;
    }

    /** Always {@value #HOST}. */
    public String host() {
        return HOST;
    }

    /** The TCP port, fixed at first start and kept across restarts. */
    public int port() {
        if (port < 0) {
            throw new IllegalStateException(this + " has not been started");
        }
        return port;
    }

    /** The pid of the current (or last) mariadbd process. */
    public long pid() {
        MariaDbProcess p = process;
        if (p == null) {
            throw new IllegalStateException(this + " has not been started");
        }
        return p.pid();
    }

    public Path dataDir() {
        if (dataDir == null) {
            throw new IllegalStateException(this + " has not been started");
        }
        return dataDir;
    }

    /** The server's own temp dir: {@code my.cnf}, {@code error.log}, the socket and {@code data/}. */
    public Path directory() {
        if (dir == null) {
            throw new IllegalStateException(this + " has not been started");
        }
        return dir;
    }

    public Path errorLog() {
        return directory().resolve("error.log");
    }

    /** The extra options this server was built with (on top of the fixture's defaults). */
    public Map<String, String> options() {
        return options;
    }

    /** How long the last {@link #start()} took from launching mariadbd to the first successful connection. */
    public Duration lastStartTime() {
        return lastStartTime;
    }

    /** The last lines of the error log (and of mariadbd's stdout/stderr), for failure messages. */
    public String errorLogTail(int lines) {
        if (dir == null) {
            return "";
        }
        return "--- " + errorLog() + " ---\n" + FileTail.lastLines(errorLog(), lines, 0) + "\n--- "
                + dir.resolve("mariadbd.out") + " ---\n" + FileTail.lastLines(dir.resolve("mariadbd.out"), 5, 0);
    }

    /**
     * A mysql-connector-j URL for {@code user} without a default database, so that it works for the USAGE-only
     * accounts too; append {@code &key=value} as needed (e.g. {@code &socketTimeout=500}).
     */
    public String jdbcUrl(String user, String password) {
        return JdbcUrls.of(HOST, port(), user, password, null);
    }

    /** A mysql-connector-j URL for {@code user} with {@code database} (e.g. {@code "test"}) as default database. */
    public String jdbcUrl(String user, String password, String database) {
        return JdbcUrls.of(HOST, port(), user, password, database);
    }

    /** A new connection as {@code user}; the caller closes it. */
    public Connection connect(String user, String password) throws SQLException {
        return DriverManager.getConnection(jdbcUrl(user, password));
    }

    /** Runs each statement as root, in order, on one connection. */
    public void execute(String... sql) {
        rootSql().execute(sql);
    }

    /** The first column of the first row as root, or null if there is none. */
    public String queryForString(String sql) {
        return rootSql().queryForString(sql);
    }

    /** The first column of the first row as root, which must be a number. */
    public long queryForLong(String sql) {
        String value = queryForString(sql);
        if (value == null) {
            throw new MariaDbFixtureException("on " + this + ", " + sql + " returned no value");
        }
        return Long.parseLong(value.trim());
    }

    /** All rows as root, each mapping column label to value; e.g. for {@code SHOW SLAVE STATUS}. */
    public List<Map<String, Object>> queryForRows(String sql) {
        return rootSql().query(sql);
    }

    /** Kills the process (SIGKILL, even when frozen) and deletes the temp dir. The server cannot be started again. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        forceCleanup();
        FixtureReaper.unregister(reaperEntry);
    }

    @Override
    public String toString() {
        return "mariadb '" + name + "' (server_id " + serverId + (port > 0 ? ", " + HOST + ":" + port : "") + ")";
    }

    private RootSql rootSql() {
        return new RootSql(JdbcUrls.of(HOST, port(), "root", null, null), toString());
    }

    private void prepareDirectory() {
        Path template = MariaDbTemplate.dataDir();
        String safeName = name.replaceAll("[^A-Za-z0-9_-]", "_");
        Path newDir = FixtureReaper.root()
                .resolve(safeName.substring(0, Math.min(20, safeName.length())) + "-" + SEQUENCE.incrementAndGet());
        long start = System.nanoTime();
        try {
            Files.createDirectories(newDir);
            FixtureReaper.register(reaperEntry);
            dir = newDir;
            dataDir = newDir.resolve("data");
            TempDirs.copyTree(template, dataDir);
        } catch (IOException e) {
            throw new MariaDbFixtureException("cannot create the datadir of " + this + " in " + newDir, e);
        }
        log.debug("{}: datadir copied from the template in {} ms", name, elapsedMillis(start));
    }

    private void launchAndAwaitReady() throws PortTakenException {
        long logOffset = FileTail.size(errorLog());
        MariaDbProcess p;
        long start = System.nanoTime();
        try {
            Path cnf = ServerConfig.write(dir, dataDir, port, serverId, options);
            p = MariaDbProcess.launch(cnf, dir.resolve("mariadbd.out"));
            process = p;
            // The watchdog reads this to kill the server should the JVM die without running its shutdown hook.
            Files.writeString(dir.resolve(FixtureReaper.PID_FILE), Long.toString(p.pid()), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new MariaDbFixtureException("cannot launch mariadbd for " + this, e);
        }
        // Short timeouts per probe: if something else holds the port, a connect "succeeds" into its backlog and
        // the handshake never comes; a probe that times out is simply retried until the start timeout.
        String probeUrl = JdbcUrls.of(HOST, port, "root", null, null) + "&connectTimeout=1000&socketTimeout=1000";
        try {
            Poll.until(
                    this + " to accept connections",
                    startTimeout,
                    () -> {
                        if (!p.isAlive()) {
                            throw new Poll.Abort("mariadbd exited with code " + p.exitValue());
                        }
                        try (Connection c = DriverManager.getConnection(probeUrl);
                                Statement s = c.createStatement()) {
                            return s.execute("SELECT 1");
                        }
                    },
                    () -> FileTail.lastLines(errorLog(), LOG_TAIL_LINES, logOffset));
        } catch (MariaDbFixtureException e) {
            if (!p.isAlive() && bindFailed(logOffset)) {
                throw new PortTakenException();
            }
            p.kill(stopTimeout);
            throw e;
        }
        lastStartTime = Duration.ofNanos(System.nanoTime() - start);
        log.info("{} ready in {} ms (pid {}, dir {})", this, lastStartTime.toMillis(), p.pid(), dir);
    }

    private boolean bindFailed(long logOffset) {
        String tail = FileTail.lastLines(errorLog(), 200, logOffset);
        return tail.contains("Address already in use") || tail.contains("Bind on TCP/IP port");
    }

    private MariaDbProcess requireRunning() {
        MariaDbProcess p = process;
        if (p == null || !p.isAlive()) {
            throw new IllegalStateException(this + " is not running");
        }
        return p;
    }

    /** Lock-free teardown for close() and the shutdown hook; SIGKILL works on a SIGSTOPped process too. */
    private void forceCleanup() {
        MariaDbProcess p = process;
        if (p != null && p.isAlive() && !p.kill(Duration.ofSeconds(10))) {
            log.warn("{} (pid {}) did not die from SIGKILL", this, p.pid());
        }
        try {
            TempDirs.deleteTree(dir);
        } catch (IOException e) {
            log.warn("cannot delete {} of {}", dir, this, e);
        }
    }

    private static long elapsedMillis(long startNanos) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
    }

    /** mariadbd lost the race for its port to another process; only a first start may pick another one. */
    private static final class PortTakenException extends Exception {
        PortTakenException() {
            super(null, null, false, false);
        }
    }

    /** Configures a {@link MariaDbServer}; every setting has a default that suits a lone server. */
    public static final class Builder {
        private String name = "mariadb";
        private int serverId = 1;
        private final Map<String, String> options = new LinkedHashMap<>();
        private Duration startTimeout = Duration.ofSeconds(60);
        private Duration stopTimeout = Duration.ofSeconds(30);
        private IntSupplier portSource = FreePorts::find;

        private Builder() {}

        /** Used in log lines and the temp dir's name. */
        public Builder name(String name) {
            this.name = Objects.requireNonNull(name);
            return this;
        }

        public Builder serverId(int serverId) {
            this.serverId = serverId;
            return this;
        }

        /** A my.cnf option as written in the file: {@code "max_connect_errors=3"} or a flag like {@code "log_bin"}. */
        public Builder option(String line) {
            int eq = line.indexOf('=');
            return eq < 0
                    ? option(line, null)
                    : option(line.substring(0, eq), line.substring(eq + 1).trim());
        }

        /** A my.cnf option; a null value writes a bare flag. Overrides the fixture's default for the same option. */
        public Builder option(String name, Object value) {
            options.put(ServerConfig.normalise(name), value == null ? null : value.toString());
            return this;
        }

        public Builder options(Map<String, ?> more) {
            more.forEach(this::option);
            return this;
        }

        /** Turns on the binlog, as replication sources need. */
        public Builder logBin() {
            return option("log_bin", null);
        }

        public Builder startTimeout(Duration timeout) {
            this.startTimeout = Objects.requireNonNull(timeout);
            return this;
        }

        /** How long a clean stop may take before the server is SIGKILLed. */
        public Builder stopTimeout(Duration timeout) {
            this.stopTimeout = Objects.requireNonNull(timeout);
            return this;
        }

        /** Where first-start ports come from; tests of the fixture use it to hand out a port that is taken. */
        Builder portSource(IntSupplier source) {
            this.portSource = Objects.requireNonNull(source);
            return this;
        }

        public MariaDbServer build() {
            return new MariaDbServer(this);
        }

        /** Builds and starts the server. */
        public MariaDbServer start() {
            return build().start();
        }
    }
}
