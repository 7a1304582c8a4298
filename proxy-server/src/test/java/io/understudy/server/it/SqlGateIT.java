package io.understudy.server.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.understudy.core.model.OpState;
import io.understudy.core.model.Server;
import io.understudy.testkit.LeakDetectionExtension;
import io.understudy.testkit.MariaDbExtension;
import java.sql.SQLException;
import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * SQL checks decide eligibility through the proxy: a primary with read_only = ON is not used when require-writable is
 * set, and a backup whose replication is stopped or lags beyond max-lag receives no traffic.
 */
@Timeout(180)
@ExtendWith(LeakDetectionExtension.class)
class SqlGateIT {
    @RegisterExtension
    static MariaDbExtension db = MariaDbExtension.primaryBackup();

    static final String CHECKS = "check { type = sql, user = checkpw, password = \"s3cret\", inter = 300ms,"
            + " fastinter = 100ms, downinter = 300ms, require-writable = true, max-lag = 2s }";

    @BeforeAll
    static void table() {
        db.primary().execute("CREATE TABLE IF NOT EXISTS test.gate_t (id INT AUTO_INCREMENT PRIMARY KEY)");
        db.awaitReplication();
    }

    @Test
    void aReadOnlyPrimaryIsNotUsedAndTrafficGoesToTheBackupUntilItIsWritableAgain() throws Exception {
        try (InProcessProxy proxy = InProcessProxy.activeBackup(db.servers(), CHECKS)) {
            Server primary = proxy.server("Primary");
            awaitUp(proxy, primary);
            assertThat(Jdbc.serverIdVia(proxy.port())).isEqualTo(db.primary().serverId());
            try {
                db.primary().execute("SET GLOBAL read_only = ON");
                await().atMost(Duration.ofSeconds(10))
                        .until(() -> primary.state().op() == OpState.STOPPED);
                assertThat(primary.state().reason().text()).contains("read_only=1: not writable");
                assertThat(Jdbc.serverIdVia(proxy.port())).isEqualTo(db.backup().serverId());
            } finally {
                db.primary().execute("SET GLOBAL read_only = OFF");
            }
            awaitUp(proxy, primary);
            // Writable again, Primary takes the traffic back once it has stayed up for failback-delay.
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> Jdbc.serverIdVia(proxy.port()) == db.primary().serverId());
        }
    }

    @Test
    void aBackupWhoseReplicationIsStoppedReceivesNoTraffic() throws Exception {
        try (InProcessProxy proxy = InProcessProxy.activeBackup(db.servers(), CHECKS)) {
            Server primary = proxy.server("Primary");
            Server backup = proxy.server("Secondary");
            awaitUp(proxy, primary);
            awaitUp(proxy, backup);
            try {
                db.backup().execute("STOP SLAVE");
                await().atMost(Duration.ofSeconds(10))
                        .until(() -> backup.state().op() == OpState.STOPPED);
                assertThat(backup.state().reason().text()).contains("replication not running");
                db.primary().execute("SET GLOBAL read_only = ON");
                await().atMost(Duration.ofSeconds(10))
                        .until(() -> primary.state().op() == OpState.STOPPED);
                // Neither may take writes: the client is told so, instead of reaching a stale backup.
                assertThatThrownBy(() -> Jdbc.serverIdVia(proxy.port()))
                        .isInstanceOf(SQLException.class)
                        .hasMessageContaining("Understudy: backend 'MySQL' has no server available");
            } finally {
                db.primary().execute("SET GLOBAL read_only = OFF");
                db.backup().execute("START SLAVE");
            }
            awaitUp(proxy, backup);
        }
    }

    @Test
    void aBackupLaggingBeyondMaxLagReceivesNoTraffic() throws Exception {
        try (InProcessProxy proxy = InProcessProxy.activeBackup(db.servers(), CHECKS)) {
            Server primary = proxy.server("Primary");
            Server backup = proxy.server("Secondary");
            awaitUp(proxy, backup);
            try {
                db.backup().execute("STOP SLAVE", "CHANGE MASTER TO MASTER_DELAY = 30", "START SLAVE");
                db.primary().execute("INSERT INTO test.gate_t VALUES (NULL)");
                // The lag is real: the backup applies events 30 s late; past 2 s it must lose eligibility.
                await().atMost(Duration.ofSeconds(20))
                        .until(() -> backup.state().op() == OpState.STOPPED);
                assertThat(backup.state().reason().text()).containsPattern("replication lag \\d+s > max-lag 2s");
                db.primary().execute("SET GLOBAL read_only = ON");
                await().atMost(Duration.ofSeconds(10))
                        .until(() -> primary.state().op() == OpState.STOPPED);
                assertThatThrownBy(() -> Jdbc.serverIdVia(proxy.port()))
                        .isInstanceOf(SQLException.class)
                        .hasMessageContaining("has no server available");
            } finally {
                db.primary().execute("SET GLOBAL read_only = OFF");
                db.backup().execute("STOP SLAVE", "CHANGE MASTER TO MASTER_DELAY = 0", "START SLAVE");
            }
            db.awaitReplication();
            awaitUp(proxy, backup);
        }
    }

    private static void awaitUp(InProcessProxy proxy, Server s) {
        await().atMost(Duration.ofSeconds(20))
                .until(() -> s.state().op() == OpState.RUNNING
                        && proxy.health()
                                .snapshot(s)
                                .orElseThrow()
                                .health()
                                .statusText()
                                .equals("UP"));
    }
}
