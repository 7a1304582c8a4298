package io.understudy.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A backup replicates its primary, and keeps doing so after the primary crashed. */
class PrimaryBackupClusterTest {
    @RegisterExtension
    static MariaDbExtension db = MariaDbExtension.primaryBackup();

    @Test
    void backupReplicatesThePrimary() {
        assertThat(db.primary().serverId()).isEqualTo(1);
        assertThat(db.backup().queryForLong("SELECT @@server_id")).isEqualTo(2);
        db.primary()
                .execute(
                        "CREATE TABLE test.pb (id INT AUTO_INCREMENT PRIMARY KEY, v VARCHAR(10))",
                        "INSERT INTO test.pb (v) VALUES ('hello')");
        db.awaitReplication();
        assertThat(db.backup().queryForString("SELECT v FROM test.pb")).isEqualTo("hello");
        assertThat(db.backup().queryForLong("SELECT id FROM test.pb")).isEqualTo(1);
    }

    @Test
    void replicationResumesAfterThePrimaryCrashes() {
        db.primary().execute("CREATE TABLE test.crash (id INT PRIMARY KEY)", "INSERT INTO test.crash VALUES (1)");
        db.awaitReplication();
        db.primary().kill9();
        db.primary().restart();
        db.primary().execute("INSERT INTO test.crash VALUES (2)");
        db.awaitReplication();
        assertThat(db.backup().queryForLong("SELECT COUNT(*) FROM test.crash")).isEqualTo(2);
    }
}
