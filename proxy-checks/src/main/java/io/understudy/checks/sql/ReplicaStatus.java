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
 */
record ReplicaStatus(
        String lagColumn, OptionalLong secondsBehind, String ioRunning, String sqlRunning, String lastError) {

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
                !ioError.isEmpty() ? ioError : sqlError);
    }

    private static String either(Map<String, String> row, String name, String legacyName) {
        return row.containsKey(name) ? column(row, name) : column(row, legacyName);
    }

    private static String column(Map<String, String> row, String name) {
        String value = row.get(name);
        return value == null ? "" : value;
    }
}
