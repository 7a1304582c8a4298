package io.understudy.checks.sql;

import static org.assertj.core.api.Assertions.assertThat;

import io.understudy.testkit.MariaDbExtension;
import io.understudy.testkit.MariaDbServer;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@link ReplicationCatchUp} between two MariaDB masters that replicate from each other, the set-up a graceful
 * switchover moves the writer within. The old master's position holds the new master's own domain too, which
 * {@code MASTER_GTID_WAIT} compares with the new master's {@code gtid_slave_pos}: that only advances when the old
 * master sends those transactions back, so this is where a wrong choice of variables would hang.
 */
@Timeout(60)
class ReplicationCatchUpDualMasterTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    @RegisterExtension
    static MariaDbExtension db = MariaDbExtension.dualMaster();

    private static final ExecutorService pool = Executors.newFixedThreadPool(2);
    private static final ReplicationCatchUp catchUp = new ReplicationCatchUp(pool, "checkpw", "s3cret");

    @AfterAll
    static void closePool() {
        pool.shutdownNow();
    }

    @Test
    void eitherMasterCatchesUpWithWhatTheOtherCommittedInBothDomains() throws Exception {
        db.primary().execute("CREATE TABLE test.dm (id INT AUTO_INCREMENT PRIMARY KEY)");
        // The other master writes into the table too: wait until the CREATE has replicated there (it raced once).
        org.awaitility.Awaitility.await()
                .atMost(TIMEOUT)
                .until(() -> db.secondary()
                                .queryForLong("SELECT COUNT(*) FROM information_schema.tables"
                                        + " WHERE table_schema = 'test' AND table_name = 'dm'")
                        == 1);
        for (int i = 0; i < 10; i++) {
            db.primary().execute("INSERT INTO test.dm VALUES (NULL)");
            db.secondary().execute("INSERT INTO test.dm VALUES (NULL)");
        }

        switchOver(db.primary(), db.secondary());
        switchOver(db.secondary(), db.primary());

        assertThat(db.secondary().queryForLong("SELECT COUNT(*) FROM test.dm")).isEqualTo(20);
        assertThat(db.primary().queryForLong("SELECT COUNT(*) FROM test.dm")).isEqualTo(20);
    }

    /** The three steps of a graceful switchover from {@code from} to {@code to}, without the traffic. */
    private static void switchOver(MariaDbServer from, MariaDbServer to) throws Exception {
        // Once the old master has the new one's writes, its position names both domains.
        db.awaitReplication();
        GtidPosition pos =
                catchUp.position("db/" + from.name(), address(from), TIMEOUT).get(30, TimeUnit.SECONDS);
        assertThat(pos.text()).matches("1-1-\\d+,2-2-\\d+");

        catchUp.requireReplicating("db/" + to.name(), address(to), TIMEOUT).get(30, TimeUnit.SECONDS);
        Duration took = catchUp.awaitApplied("db/" + to.name(), address(to), pos, TIMEOUT)
                .get(30, TimeUnit.SECONDS);

        assertThat(took).isLessThan(Duration.ofSeconds(2));
    }

    private static InetSocketAddress address(MariaDbServer server) {
        return new InetSocketAddress(server.host(), server.port());
    }
}
