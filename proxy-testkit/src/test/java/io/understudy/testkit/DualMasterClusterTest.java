package io.understudy.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Two masters replicate each other without auto-increment collisions. */
class DualMasterClusterTest {
    @RegisterExtension
    static MariaDbExtension db = MariaDbExtension.dualMaster();

    @Test
    void eachMasterReplicatesTheOther() {
        db.primary().execute("CREATE TABLE test.dm (id INT AUTO_INCREMENT PRIMARY KEY, origin INT)");
        db.primary().execute("INSERT INTO test.dm (origin) VALUES (1)");
        db.awaitReplication();
        db.secondary().execute("INSERT INTO test.dm (origin) VALUES (2)");
        db.awaitReplication();
        for (MariaDbServer server : db.servers()) {
            assertThat(server.queryForString("SELECT GROUP_CONCAT(id, ':', origin ORDER BY id) FROM test.dm"))
                    .as("rows on %s", server)
                    // auto_increment_offset = server_id, increment 2: no collisions between masters.
                    .isEqualTo("1:1,2:2");
        }
    }
}
