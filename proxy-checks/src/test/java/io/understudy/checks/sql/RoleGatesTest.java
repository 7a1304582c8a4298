package io.understudy.checks.sql;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class RoleGatesTest {
    private static final Duration TEN_SECONDS = Duration.ofSeconds(10);

    @Test
    void readOnlyOffInEitherSpellingIsWritable() {
        assertThat(RoleGates.writable("0").passed()).isTrue();
        assertThat(RoleGates.writable("OFF").passed()).isTrue();
    }

    @Test
    void readOnlyOnOrAnyOtherModeIsNotWritable() {
        assertThat(RoleGates.writable("1"))
                .isEqualTo(new GateVerdict(false, OptionalInt.of(1290), "read_only=1: not writable"));
        assertThat(RoleGates.writable("NO_LOCK").passed()).isFalse();
        assertThat(RoleGates.writable(null).passed()).isFalse();
    }

    @Test
    void noStatusRowMeansNotAReplica() {
        assertThat(RoleGates.lag(Optional.empty(), TEN_SECONDS))
                .isEqualTo(new GateVerdict(false, OptionalInt.of(1200), "not a replica (no SHOW SLAVE STATUS row)"));
    }

    @Test
    void nullLagMeansReplicationIsNotRunning() {
        GateVerdict v = RoleGates.lag(Optional.of(status(null, "No", "Yes", "")), TEN_SECONDS);

        assertThat(v.passed()).isFalse();
        assertThat(v.code()).hasValue(1199);
        assertThat(v.info())
                .isEqualTo("replication not running (Seconds_Behind_Master NULL; IO thread No, SQL thread Yes)");
    }

    @Test
    void theLastReplicationErrorIsQuoted() {
        GateVerdict v = RoleGates.lag(
                Optional.of(status(null, "Connecting", "Yes", "error reconnecting to master 'repl@127.0.0.1:3306'")),
                TEN_SECONDS);

        assertThat(v.info())
                .endsWith("IO thread Connecting, SQL thread Yes; error reconnecting to master"
                        + " 'repl@127.0.0.1:3306')");
    }

    @Test
    void lagUpToTheLimitPassesAndBeyondItFails() {
        assertThat(RoleGates.lag(Optional.of(status("10", "Yes", "Yes", "")), TEN_SECONDS))
                .isEqualTo(GateVerdict.pass("replication lag 10s"));
        assertThat(RoleGates.lag(Optional.of(status("42", "Yes", "Yes", "")), TEN_SECONDS))
                .isEqualTo(new GateVerdict(false, OptionalInt.empty(), "replication lag 42s > max-lag 10s"));
        assertThat(RoleGates.lag(Optional.of(status("2", "Yes", "Yes", "")), Duration.ofMillis(1500))
                        .info())
                .isEqualTo("replication lag 2s > max-lag 1500ms");
    }

    @Test
    void mySqlReplicaStatusSpellingIsRead() {
        Map<String, String> row = new HashMap<>();
        row.put("Seconds_Behind_Source", null);
        row.put("Replica_IO_Running", "No");
        row.put("Replica_SQL_Running", "No");

        assertThat(RoleGates.lag(Optional.of(ReplicaStatus.fromRow(row)), TEN_SECONDS)
                        .info())
                .isEqualTo("replication not running (Seconds_Behind_Source NULL; IO thread No, SQL thread No)");
    }

    @Test
    void aReplicaWhoseSourceIsGoneButThatAppliedEverythingItReceivedIsEligible() {
        // What every backup reports the moment its primary dies: lag NULL, IO thread reconnecting.
        Map<String, String> row = row(null, "Connecting", "Yes", "error reconnecting to master");
        row.putAll(Map.of(
                "Master_Log_File", "bin.000003",
                "Read_Master_Log_Pos", "1234",
                "Relay_Master_Log_File", "bin.000003",
                "Exec_Master_Log_Pos", "1234"));
        GateVerdict v = RoleGates.lag(Optional.of(ReplicaStatus.fromRow(row)), TEN_SECONDS);
        assertThat(v.passed()).isTrue();
        assertThat(v.info()).isEqualTo("source unreachable (IO thread Connecting), all received events applied");

        // Still applying what it received: not yet.
        row.put("Exec_Master_Log_Pos", "1000");
        assertThat(RoleGates.lag(Optional.of(ReplicaStatus.fromRow(row)), TEN_SECONDS)
                        .passed())
                .isFalse();
    }

    @Test
    void aReplicaAnOperatorStoppedStaysIneligibleEvenWhenCaughtUp() {
        Map<String, String> row = row(null, "No", "No", "");
        row.putAll(Map.of(
                "Master_Log_File", "bin.000003",
                "Read_Master_Log_Pos", "1234",
                "Relay_Master_Log_File", "bin.000003",
                "Exec_Master_Log_Pos", "1234"));
        assertThat(RoleGates.lag(Optional.of(ReplicaStatus.fromRow(row)), TEN_SECONDS)
                        .passed())
                .isFalse();
    }

    private static Map<String, String> row(String lag, String io, String sql, String ioError) {
        Map<String, String> row = new HashMap<>();
        row.put("Seconds_Behind_Master", lag);
        row.put("Slave_IO_Running", io);
        row.put("Slave_SQL_Running", sql);
        row.put("Last_IO_Error", ioError);
        row.put("Last_SQL_Error", "");
        return row;
    }

    private static ReplicaStatus status(String lag, String io, String sql, String ioError) {
        Map<String, String> row = new HashMap<>();
        row.put("Seconds_Behind_Master", lag);
        row.put("Slave_IO_Running", io);
        row.put("Slave_SQL_Running", sql);
        row.put("Last_IO_Error", ioError);
        row.put("Last_SQL_Error", "");
        return ReplicaStatus.fromRow(row);
    }
}
