package io.understudy.testkit;

import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * JUnit 5 extension that starts a {@link MariaDbCluster} before the tests of a class and closes it after them.
 * Register it on a static field:
 *
 * <pre>{@code
 * @RegisterExtension
 * static MariaDbExtension db = MariaDbExtension.primaryBackup();
 * }</pre>
 *
 * Before each test it brings every server back to running (see {@link MariaDbCluster#ensureRunning()}), so a test
 * that kills, stops or freezes a server does not break the next one; {@link #keepStateBetweenTests()} turns that off.
 */
public final class MariaDbExtension implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback {
    private final MariaDbCluster cluster;
    private boolean ensureRunningBeforeEach = true;
    /** The class context that started the cluster; {@code @Nested} classes see the callbacks again and must not. */
    private String ownerId;

    private MariaDbExtension(MariaDbCluster cluster) {
        this.cluster = cluster;
    }

    public static MariaDbExtension single() {
        return new MariaDbExtension(MariaDbCluster.single());
    }

    /** One server configured by {@code customizer}, e.g. {@code b -> b.option("max_connect_errors=3")}. */
    public static MariaDbExtension single(Consumer<MariaDbServer.Builder> customizer) {
        return new MariaDbExtension(MariaDbCluster.single(customizer));
    }

    public static MariaDbExtension primaryBackup() {
        return new MariaDbExtension(MariaDbCluster.primaryBackup());
    }

    public static MariaDbExtension primaryBackup(Consumer<MariaDbServer.Builder> customizer) {
        return new MariaDbExtension(MariaDbCluster.primaryBackup(customizer));
    }

    public static MariaDbExtension dualMaster() {
        return new MariaDbExtension(MariaDbCluster.dualMaster());
    }

    public static MariaDbExtension dualMaster(Consumer<MariaDbServer.Builder> customizer) {
        return new MariaDbExtension(MariaDbCluster.dualMaster(customizer));
    }

    /** Leaves servers as the previous test left them, for classes whose tests build on each other's state. */
    public MariaDbExtension keepStateBetweenTests() {
        this.ensureRunningBeforeEach = false;
        return this;
    }

    @Override
    public synchronized void beforeAll(ExtensionContext context) {
        if (ownerId == null) {
            cluster.start();
            ownerId = context.getUniqueId();
        }
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        if (ensureRunningBeforeEach) {
            cluster.ensureRunning();
        }
    }

    @Override
    public synchronized void afterAll(ExtensionContext context) {
        if (context.getUniqueId().equals(ownerId)) {
            cluster.close();
        }
    }

    public MariaDbCluster cluster() {
        return cluster;
    }

    /** The lone server of {@link #single()}, or the first server of a pair. */
    public MariaDbServer server() {
        return cluster.primary();
    }

    public MariaDbServer primary() {
        return cluster.primary();
    }

    public MariaDbServer backup() {
        return cluster.backup();
    }

    public MariaDbServer secondary() {
        return cluster.secondary();
    }

    public List<MariaDbServer> servers() {
        return cluster.servers();
    }

    /** Restarts or thaws whatever a test stopped, killed or froze. */
    public void ensureRunning() {
        cluster.ensureRunning();
    }

    /** Waits until replication has caught up in every direction. */
    public void awaitReplication() {
        cluster.awaitReplication();
    }
}
