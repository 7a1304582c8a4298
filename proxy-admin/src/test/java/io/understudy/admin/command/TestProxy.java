package io.understudy.admin.command;

import io.understudy.admin.AdminContext;
import io.understudy.checks.CheckResult;
import io.understudy.checks.CheckStatus;
import io.understudy.checks.HealthChecker;
import io.understudy.core.ProxyEngine;
import io.understudy.core.config.AdminConfig;
import io.understudy.core.config.AdminSocketConfig.Level;
import io.understudy.core.config.BackendConfig;
import io.understudy.core.config.Balance;
import io.understudy.core.config.CheckConfig;
import io.understudy.core.config.FailoverPolicy;
import io.understudy.core.config.FrontendConfig;
import io.understudy.core.config.GlobalConfig;
import io.understudy.core.config.HostPort;
import io.understudy.core.config.ListenConfig;
import io.understudy.core.config.ProxyConfig;
import io.understudy.core.config.ServerConfig;
import io.understudy.core.model.Server;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A running proxy for admin tests: listen {@code MySQL} on 127.0.0.1 port 0 with server {@code Primary} (health-checked
 * by a check that always passes) and backup {@code Secondary} (not checked), plus the {@link AdminContext} and a
 * {@link CommandRegistry} over it.
 */
public final class TestProxy implements AutoCloseable {
    /** A {@code show stat} stand-in: one line saying which level asked. */
    public static final StatsRenderer FAKE_STATS =
            (ctx, user) -> "# pxname,svname,\nstats," + (user ? "user" : "full") + ",\n";

    private final ProxyEngine engine;
    private final HealthChecker health;
    private final AdminContext context;
    private final CommandRegistry registry;
    /** What every check of {@code Primary} answers; tests change it to make the server fail its checks. */
    private final java.util.concurrent.atomic.AtomicReference<CheckStatus> checkAnswer =
            new java.util.concurrent.atomic.AtomicReference<>(CheckStatus.L4OK);

    private TestProxy(int primaryPort, int secondaryPort, FailoverPolicy.Failback failback, boolean secondaryDisabled)
            throws Exception {
        CheckConfig checked = withCheck(CheckConfig.disabled());
        List<ServerConfig> servers = List.of(
                new ServerConfig("Primary", 1, loopback(primaryPort), false, 1, 0, false, checked),
                new ServerConfig("Secondary", 2, loopback(secondaryPort), true, 1, 0, secondaryDisabled));
        BackendConfig backend = new BackendConfig(
                "MySQL",
                Balance.FIRST,
                false,
                1,
                -1,
                Duration.ofMillis(20),
                Duration.ofSeconds(1),
                Duration.ofMinutes(1),
                servers,
                new FailoverPolicy(failback, false, false));
        FrontendConfig frontend = new FrontendConfig("MySQL", loopback(0), 1000, Duration.ofMinutes(1));
        ProxyConfig config = new ProxyConfig(
                new GlobalConfig(Duration.ofSeconds(1), 1),
                List.of(new ListenConfig(frontend, backend)),
                new AdminConfig(List.of()),
                "test");
        engine = new ProxyEngine(config);
        health = new HealthChecker(
                engine.control(),
                s -> slack -> CompletableFuture.completedFuture(CheckResult.of(checkAnswer.get(), "", 0)));
        health.start();
        engine.start();
        context = new AdminContext(
                engine, health, "9.9.9", ProcessHandle.current().pid(), System.currentTimeMillis());
        registry = CommandRegistry.standard(context, FAKE_STATS);
    }

    /** Servers on closed ports: fine for everything but live sessions. */
    public static TestProxy start() throws Exception {
        return new TestProxy(closedPort(), closedPort(), FailoverPolicy.Failback.AUTO, false);
    }

    /** As {@link #start()}, with {@code Secondary} marked {@code disabled} in the configuration. */
    public static TestProxy withDisabledSecondary() throws Exception {
        return new TestProxy(closedPort(), closedPort(), FailoverPolicy.Failback.AUTO, true);
    }

    public static TestProxy start(int primaryPort, int secondaryPort, FailoverPolicy.Failback failback)
            throws Exception {
        return new TestProxy(primaryPort, secondaryPort, failback, false);
    }

    private static CheckConfig withCheck(CheckConfig c) {
        return new CheckConfig(
                true,
                CheckConfig.CheckType.TCP,
                c.user(),
                c.password(),
                c.variant(),
                Duration.ofSeconds(30),
                // The first check runs after fastinter: soon, so tests see a completed check.
                Duration.ofMillis(50),
                Duration.ofSeconds(30),
                c.rise(),
                c.fall(),
                c.timeout(),
                0,
                true,
                c.query(),
                false,
                c.maxLag());
    }

    static HostPort loopback(int port) {
        return new HostPort("127.0.0.1", port, new InetSocketAddress("127.0.0.1", port));
    }

    /** A port nothing listens on (bound, then released). */
    static int closedPort() throws Exception {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** From now on, checks answer {@code status}. */
    public void checksAnswer(CheckStatus status) {
        checkAnswer.set(status);
    }

    public AdminContext context() {
        return context;
    }

    public ProxyEngine engine() {
        return engine;
    }

    public CommandRegistry registry() {
        return registry;
    }

    public Server server(String name) {
        return engine.control().server("MySQL/" + name).orElseThrow();
    }

    /** A client connection to the frontend. */
    public Socket connectClient() throws Exception {
        Socket s = new Socket();
        s.setSoTimeout(10_000);
        s.connect(engine.boundAddress("MySQL").orElseThrow(), 5_000);
        return s;
    }

    /** Runs one command (words separated by single spaces) at {@code level}, as the CLI would. */
    public String run(Level level, String command) throws Exception {
        return run(new CliSession(level), command);
    }

    public String run(CliSession session, String command) throws Exception {
        List<String> words = command.isEmpty() ? List.of() : Arrays.asList(command.split(" "));
        return registry.execute(words, session).get(10, TimeUnit.SECONDS);
    }

    @Override
    public void close() {
        health.close();
        engine.close();
    }
}
