package io.understudy.testkit;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The MariaDB set-ups Understudy's users run behind the proxy: a lone server, a primary with a replicating backup,
 * or two masters replicating from each other. Servers get server_id 1 and 2, their own GTID domain (= server_id),
 * the binlog with {@code log_slave_updates}, and interleaved auto-increment values so that both masters can insert.
 */
public final class MariaDbCluster implements AutoCloseable {
    /** Which servers replicate from which. */
    public enum Topology {
        /** One server, no replication. */
        SINGLE,
        /** Server 2 replicates from server 1. */
        PRIMARY_BACKUP,
        /** Each of the two servers replicates from the other. */
        DUAL_MASTER
    }

    /** Long enough for a loaded 2-core CI machine, short enough that a broken set-up fails the build quickly. */
    public static final Duration DEFAULT_REPLICATION_TIMEOUT = Duration.ofSeconds(30);

    private static final Logger log = LoggerFactory.getLogger(MariaDbCluster.class);

    private final Topology topology;
    private final List<MariaDbServer> servers;
    private boolean started;

    private MariaDbCluster(Topology topology, List<MariaDbServer> servers) {
        this.topology = topology;
        this.servers = List.copyOf(servers);
    }

    public static MariaDbCluster single() {
        return single(b -> {});
    }

    /** One server; {@code customizer} may add options or change the name and server_id. */
    public static MariaDbCluster single(Consumer<MariaDbServer.Builder> customizer) {
        MariaDbServer.Builder builder = MariaDbServer.builder().name("single").serverId(1);
        customizer.accept(builder);
        return new MariaDbCluster(Topology.SINGLE, List.of(builder.build()));
    }

    public static MariaDbCluster primaryBackup() {
        return primaryBackup(b -> {});
    }

    /** Primary (server_id 1) and backup (server_id 2); {@code customizer} is applied to both builders. */
    public static MariaDbCluster primaryBackup(Consumer<MariaDbServer.Builder> customizer) {
        return pair(Topology.PRIMARY_BACKUP, "primary", "backup", customizer);
    }

    public static MariaDbCluster dualMaster() {
        return dualMaster(b -> {});
    }

    /** Masters with server_id 1 and 2; {@code customizer} is applied to both builders. */
    public static MariaDbCluster dualMaster(Consumer<MariaDbServer.Builder> customizer) {
        return pair(Topology.DUAL_MASTER, "master1", "master2", customizer);
    }

    private static MariaDbCluster pair(
            Topology topology, String first, String second, Consumer<MariaDbServer.Builder> customizer) {
        Objects.requireNonNull(customizer);
        List<MariaDbServer> servers = new ArrayList<>();
        String[] names = {first, second};
        for (int i = 0; i < 2; i++) {
            int id = i + 1;
            MariaDbServer.Builder builder = MariaDbServer.builder()
                    .name(names[i])
                    .serverId(id)
                    .logBin()
                    .option("log_slave_updates", null)
                    .option("gtid_domain_id", id)
                    .option("auto_increment_increment", 2)
                    .option("auto_increment_offset", id)
                    // Notice a frozen or vanished source within seconds (heartbeats come every 5 s).
                    .option("slave_net_timeout", 10);
            customizer.accept(builder);
            servers.add(builder.build());
        }
        return new MariaDbCluster(topology, servers);
    }

    /** Starts every server and the replication between them, and returns once replication runs and has caught up. */
    public synchronized MariaDbCluster start() {
        if (started) {
            return ensureRunning();
        }
        long begin = System.nanoTime();
        try {
            servers.forEach(MariaDbServer::start);
            if (topology != Topology.SINGLE) {
                Replication.replicate(backup(), primary());
            }
            if (topology == Topology.DUAL_MASTER) {
                Replication.replicate(primary(), backup());
            }
            awaitReplication();
        } catch (RuntimeException e) {
            close();
            throw e;
        }
        started = true;
        log.info("{} cluster up in {} ms: {}", topology, (System.nanoTime() - begin) / 1_000_000, servers);
        return this;
    }

    public Topology topology() {
        return topology;
    }

    /** The first server: the primary, the lone server, or master 1. */
    public MariaDbServer primary() {
        return servers.get(0);
    }

    /** The second server: the backup, or master 2. */
    public MariaDbServer backup() {
        if (servers.size() < 2) {
            throw new IllegalStateException("a " + topology + " cluster has no second server");
        }
        return servers.get(1);
    }

    /** Same as {@link #backup()}; reads better for dual-master set-ups. */
    public MariaDbServer secondary() {
        return backup();
    }

    public List<MariaDbServer> servers() {
        return servers;
    }

    /** Waits until every replica has applied what its source had written when this was called. */
    public void awaitReplication() {
        awaitReplication(DEFAULT_REPLICATION_TIMEOUT);
    }

    public void awaitReplication(Duration timeout) {
        if (topology != Topology.SINGLE) {
            Replication.awaitCaughtUp(primary(), backup(), timeout);
        }
        if (topology == Topology.DUAL_MASTER) {
            Replication.awaitCaughtUp(backup(), primary(), timeout);
        }
    }

    /**
     * Brings every server back to running and unfrozen after a test stopped, killed or froze some, and restarts
     * replication threads a test stopped. Does not wait for replication to catch up: see {@link #awaitReplication}.
     */
    public synchronized MariaDbCluster ensureRunning() {
        servers.forEach(MariaDbServer::ensureRunning);
        if (topology != Topology.SINGLE) {
            Replication.resume(backup());
        }
        if (topology == Topology.DUAL_MASTER) {
            Replication.resume(primary());
        }
        return this;
    }

    /** Kills every server and deletes their directories. */
    @Override
    public void close() {
        RuntimeException failure = null;
        for (MariaDbServer server : servers) {
            try {
                server.close();
            } catch (RuntimeException e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    @Override
    public String toString() {
        return topology + " " + servers;
    }
}
