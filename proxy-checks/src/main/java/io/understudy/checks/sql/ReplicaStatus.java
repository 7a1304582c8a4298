package io.understudy.checks.sql;

import java.util.Map;
import java.util.OptionalLong;

/**
 * What the first row of {@code SHOW REPLICA STATUS} / {@code SHOW SLAVE STATUS} says about a replica's health. The
 * column names differ: MariaDB and MySQL's {@code SHOW SLAVE STATUS} say {@code Seconds_Behind_Master} and
 * {@code Slave_IO_Running}, MySQL 8.0.22+'s {@code SHOW REPLICA STATUS} says {@code Seconds_Behind_Source} and
 * {@code Replica_IO_Running}; both spellings are accepted.
 *
 * @param lagColumn the name of the lag column as the server spelled it, for messages
 * @param secondsBehind the lag, empty when the server reports NULL (a replication thread is not running, or the IO
 *     thread is not connected to its source)
 * @param ioRunning {@code Yes}, {@code No} or {@code Connecting}
 * @param sqlRunning {@code Yes} or {@code No}
 * @param lastError the last IO error, else the last SQL error, else empty
 * @param appliedAllReceived the SQL thread has executed everything the IO thread received (the source's binlog
 *     coordinates read and executed are equal): when the source is gone, such a replica is as current as it can be
 */
record ReplicaStatus(
        String lagColumn,
        OptionalLong secondsBehind,
        String ioRunning,
        String sqlRunning,
        String lastError,
        boolean appliedAllReceived) {

    ReplicaStatus(String lagColumn, OptionalLong secondsBehind, String ioRunning, String sqlRunning, String lastError) {
        this(lagColumn, secondsBehind, ioRunning, sqlRunning, lastError, false);
    }

    /** Reads one status row (column label to value as text, NULL as null). */
    static ReplicaStatus fromRow(Map<String, String> row) {
        String lagColumn = row.containsKey("Seconds_Behind_Source") ? "Seconds_Behind_Source" : "Seconds_Behind_Master";
        String lag = row.get(lagColumn);
        String ioError = column(row, "Last_IO_Error");
        String sqlError = column(row, "Last_SQL_Error");
        return new ReplicaStatus(
                lagColumn,
                lag == null || lag.isBlank() ? OptionalLong.empty() : OptionalLong.of(Long.parseLong(lag.trim())),
                either(row, "Replica_IO_Running", "Slave_IO_Running"),
                either(row, "Replica_SQL_Running", "Slave_SQL_Running"),
                !ioError.isEmpty() ? ioError : sqlError,
                appliedAllReceived(row));
    }

    /**
     * Read and executed coordinates of the source's binlog are equal (MariaDB and MySQL before 8.0.22 say
     * {@code Master_Log_File}/{@code Read_Master_Log_Pos} and {@code Relay_Master_Log_File}/{@code Exec_Master_Log_Pos};
     * MySQL 8.0.22+ says Source instead of Master).
     */
    private static boolean appliedAllReceived(Map<String, String> row) {
        String readFile = either(row, "Source_Log_File", "Master_Log_File");
        String readPos = either(row, "Read_Source_Log_Pos", "Read_Master_Log_Pos");
        String execFile = either(row, "Relay_Source_Log_File", "Relay_Master_Log_File");
        String execPos = either(row, "Exec_Source_Log_Pos", "Exec_Master_Log_Pos");
        return !readFile.isEmpty() && !readPos.isEmpty() && readFile.equals(execFile) && readPos.equals(execPos);
    }

    private static String either(Map<String, String> row, String name, String legacyName) {
        return row.containsKey(name) ? column(row, name) : column(row, legacyName);
    }

    private static String column(Map<String, String> row, String name) {
        String value = row.get(name);
        return value == null ? "" : value;
    }
}
