package io.understudy.core;

import io.understudy.core.config.AdminConfig;
import io.understudy.core.config.BackendConfig;
import io.understudy.core.config.Balance;
import io.understudy.core.config.CheckConfig;
import io.understudy.core.config.FailoverPolicy;
import io.understudy.core.config.FrontendConfig;
import io.understudy.core.config.GlobalConfig;
import io.understudy.core.config.HostPort;
import io.understudy.core.config.ListenConfig;
import io.understudy.core.config.LiveErrors;
import io.understudy.core.config.PeersConfig;
import io.understudy.core.config.ProxyConfig;
import io.understudy.core.config.ServerConfig;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Builds configs for tests without a file: one {@code listen} on 127.0.0.1 port 0. */
public final class TestConfigs {
    private final String name;
    private final List<ServerConfig> servers = new ArrayList<>();
    private Balance balance = Balance.FIRST;
    private boolean allBackups;
    private int retries = 3;
    private int redispatch = -1;
    private Duration retryDelay = Duration.ofMillis(20);
    private Duration connect = Duration.ofSeconds(1);
    private Duration client = Duration.ofMinutes(1);
    private Duration server = Duration.ofMinutes(1);
    private int maxconn = 10_000;
    private Duration queue;
    private FailoverPolicy failover = FailoverPolicy.defaults();
    private CheckConfig check = CheckConfig.disabled();

    private TestConfigs(String name) {
        this.name = name;
    }

    private PeersConfig peers;

    public static TestConfigs listen(String name) {
        return new TestConfigs(name);
    }

    public TestConfigs server(String serverName, int port) {
        return add(serverName, port, false, 1);
    }

    public TestConfigs backup(String serverName, int port) {
        return add(serverName, port, true, 1);
    }

    public TestConfigs add(String serverName, int port, boolean backup, int weight) {
        return add(serverName, port, backup, weight, 0);
    }

    /** A server with a {@code maxconn}. */
    public TestConfigs add(String serverName, int port, boolean backup, int weight, int serverMaxconn) {
        servers.add(new ServerConfig(
                serverName, servers.size() + 1, loopback(port), backup, weight, serverMaxconn, false, check));
        return this;
    }

    /** A server at {@code address}: a host name, resolved or not ({@link HostPort#unresolved}), as the loader gives it. */
    public TestConfigs server(String serverName, HostPort address, boolean backup) {
        servers.add(new ServerConfig(serverName, servers.size() + 1, address, backup, 1, 0, false, check));
        return this;
    }

    /**
     * Servers added after this call have a {@code check} with rise 1 and fall 1, so that one check outcome submitted
     * by the test marks them down or up (no checker runs in core tests: the test plays the health checker).
     */
    public TestConfigs checked() {
        return check(check(1, 1));
    }

    /** Servers added after this call are checked with {@code c} (which no checker runs in core tests). */
    public TestConfigs check(CheckConfig c) {
        this.check = c;
        return this;
    }

    /** A {@code check} with {@code rise} and {@code fall}, for models that no checker runs (tests submit outcomes). */
    public static CheckConfig check(int rise, int fall) {
        return check(rise, fall, LiveErrors.DEFAULT);
    }

    /** As {@link #check(int, int)}, with {@code live} for what live-traffic failures do. */
    public static CheckConfig check(int rise, int fall, LiveErrors live) {
        return new CheckConfig(
                true,
                CheckConfig.CheckType.MYSQL,
                "haproxy",
                "",
                CheckConfig.MySqlVariant.POST_41,
                Duration.ofSeconds(1),
                Duration.ofMillis(250),
                Duration.ofSeconds(1),
                rise,
                fall,
                Duration.ofSeconds(1),
                0,
                true,
                "SELECT 1",
                false,
                Optional.empty(),
                live);
    }

    public TestConfigs balance(Balance b) {
        this.balance = b;
        return this;
    }

    public TestConfigs allBackups() {
        this.allBackups = true;
        return this;
    }

    public TestConfigs retries(int n, int redispatchInterval) {
        this.retries = n;
        this.redispatch = redispatchInterval;
        return this;
    }

    public TestConfigs timeouts(Duration connectTimeout, Duration clientTimeout, Duration serverTimeout) {
        this.connect = connectTimeout;
        this.client = clientTimeout;
        this.server = serverTimeout;
        return this;
    }

    /** The backend's failover policy (failback, session shutdown); the defaults otherwise. */
    public TestConfigs failover(FailoverPolicy policy) {
        this.failover = policy;
        return this;
    }

    /** {@code timeout queue}; without it, {@code timeout connect}, as in HAProxy. */
    public TestConfigs queueTimeout(Duration d) {
        this.queue = d;
        return this;
    }

    /** The config belongs to a pair. */
    public TestConfigs peers(PeersConfig p) {
        this.peers = p;
        return this;
    }

    public TestConfigs maxconn(int n) {
        this.maxconn = n;
        return this;
    }

    public ProxyConfig build() {
        FrontendConfig fe = new FrontendConfig(name, loopback(0), maxconn, client);
        BackendConfig be = new BackendConfig(
                name,
                balance,
                allBackups,
                retries,
                redispatch,
                retryDelay,
                connect,
                server,
                servers,
                failover,
                queue == null ? BackendConfig.defaultQueueTimeout(connect, servers) : queue);
        return new ProxyConfig(
                new GlobalConfig(Duration.ofSeconds(5), 2),
                List.of(new ListenConfig(fe, be)),
                new AdminConfig(List.of()),
                "test",
                Optional.empty(),
                Optional.ofNullable(peers));
    }

    static HostPort loopback(int port) {
        return new HostPort("127.0.0.1", port, new InetSocketAddress("127.0.0.1", port));
    }
}
