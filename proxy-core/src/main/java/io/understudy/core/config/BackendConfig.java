package io.understudy.core.config;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * A set of servers and how to pick and reach one.
 *
 * @param name the backend's name
 * @param balance the algorithm among usable active servers (and among backups with {@code allbackups})
 * @param allBackups when no active server is usable, balance over all usable backups instead of the first one
 * @param retries how many times a failed connect is retried (HAProxy's {@code retries}); attempts = retries + 1
 * @param redispatch HAProxy's {@code option redispatch <interval>}: 0 never moves a retry to another server,
 *     P &gt; 0 moves every P-th retry, N &lt; 0 moves the |N|-th retry before the last (-1: the last retry)
 * @param retryDelay the pause before retrying after a connect failure that was not a timeout (HAProxy uses
 *     min(timeout connect, 1s); we default shorter so failover stays near one second)
 * @param connectTimeout HAProxy's {@code timeout connect}
 * @param serverTimeout HAProxy's {@code timeout server}: the longest the server side may stay inactive
 * @param servers the servers in declaration order (which decides the backup used first)
 * @param failover what happens to sessions and traffic when servers go down and come back
 * @param queueTimeout HAProxy's {@code timeout queue}: the longest a session waits in the backend's queue (for a slot,
 *     or for the checks' verdict on a writer in doubt); {@link #defaultQueueTimeout} when unset
 * @param greetingTimeout {@code timeout greeting}: how long a server that accepted a connection has to send its
 *     greeting before the connect (or the mysql check) counts as failed; empty is {@code auto}, learned from what the
 *     server usually takes ({@link io.understudy.core.backend.GreetingClock})
 */
public record BackendConfig(
        String name,
        Balance balance,
        boolean allBackups,
        int retries,
        int redispatch,
        Duration retryDelay,
        Duration connectTimeout,
        Duration serverTimeout,
        List<ServerConfig> servers,
        FailoverPolicy failover,
        Duration queueTimeout,
        Optional<Duration> greetingTimeout) {
    public BackendConfig {
        servers = List.copyOf(servers);
    }

    /**
     * Whether the backend has the writer role: it balances {@code first}, or it has one active server and backups
     * (without {@code allbackups}, which asks for several backups at once). Its new sessions then go to exactly one
     * server at a time, and move only as a whole. Several actives balanced {@code roundrobin} or {@code leastconn}
     * are a pool, which keeps per-client redispatch, backups or not: the operator asked for several servers at once.
     */
    public boolean writerRole() {
        if (balance == Balance.FIRST) {
            return true;
        }
        long actives = servers.stream().filter(s -> !s.backup()).count();
        return !allBackups && actives <= 1 && actives < servers.size();
    }

    /**
     * {@code timeout queue} when none is set: long enough for the health checks to decide about a hung server (inter +
     * fall x timeout + (fall - 1) x fastinter), since a writer's sessions wait in the queue while its health is in doubt,
     * and never shorter than {@code timeout connect} (HAProxy's default).
     */
    public static Duration defaultQueueTimeout(Duration connect, List<ServerConfig> servers) {
        Duration longest = connect;
        for (ServerConfig s : servers) {
            CheckConfig c = s.check();
            if (c.enabled()) {
                Duration decide = c.inter()
                        .plus(c.timeout().multipliedBy(c.fall()))
                        .plus(c.fastinter().multipliedBy(c.fall() - 1L));
                if (decide.compareTo(longest) > 0) {
                    longest = decide;
                }
            }
        }
        return longest;
    }

    /** A backend whose {@code timeout greeting} is {@code auto}. */
    public BackendConfig(
            String name,
            Balance balance,
            boolean allBackups,
            int retries,
            int redispatch,
            Duration retryDelay,
            Duration connectTimeout,
            Duration serverTimeout,
            List<ServerConfig> servers,
            FailoverPolicy failover,
            Duration queueTimeout) {
        this(
                name,
                balance,
                allBackups,
                retries,
                redispatch,
                retryDelay,
                connectTimeout,
                serverTimeout,
                servers,
                failover,
                queueTimeout,
                Optional.empty());
    }

    /** A backend whose {@code timeout queue} is the default, {@link #defaultQueueTimeout}. */
    public BackendConfig(
            String name,
            Balance balance,
            boolean allBackups,
            int retries,
            int redispatch,
            Duration retryDelay,
            Duration connectTimeout,
            Duration serverTimeout,
            List<ServerConfig> servers,
            FailoverPolicy failover) {
        this(
                name,
                balance,
                allBackups,
                retries,
                redispatch,
                retryDelay,
                connectTimeout,
                serverTimeout,
                servers,
                failover,
                defaultQueueTimeout(connectTimeout, servers));
    }

    /** A backend with the default failover policy. */
    public BackendConfig(
            String name,
            Balance balance,
            boolean allBackups,
            int retries,
            int redispatch,
            Duration retryDelay,
            Duration connectTimeout,
            Duration serverTimeout,
            List<ServerConfig> servers) {
        this(
                name,
                balance,
                allBackups,
                retries,
                redispatch,
                retryDelay,
                connectTimeout,
                serverTimeout,
                servers,
                FailoverPolicy.defaults());
    }

    public Optional<ServerConfig> server(String serverName) {
        return servers.stream().filter(s -> s.name().equals(serverName)).findFirst();
    }

    /** Whether the retry numbered {@code retry} (1-based) goes to another server. */
    public boolean redispatchesOnRetry(int retry) {
        if (redispatch == 0) {
            return false;
        }
        if (redispatch > 0) {
            return retry % redispatch == 0;
        }
        return retry == retries + 1 + redispatch;
    }
}
