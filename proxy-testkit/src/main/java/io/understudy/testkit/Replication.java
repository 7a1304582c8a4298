package io.understudy.testkit;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/** Wires MariaDB GTID replication between fixture servers and waits for a replica to catch up. */
final class Replication {
    private Replication() {}

    /**
     * Makes {@code replica} replicate from {@code source}. {@code slave_pos} tracks only what was replicated, which is
     * right for both topologies since each server writes its own GTID domain. A 1 s connect retry lets a replica
     * follow a source that a test restarted without waiting for the 60 s default.
     */
    static void replicate(MariaDbServer replica, MariaDbServer source) {
        replica.execute(
                "CHANGE MASTER TO MASTER_HOST='" + MariaDbServer.HOST + "', MASTER_PORT=" + source.port()
                        + ", MASTER_USER='repl', MASTER_PASSWORD='repl', MASTER_USE_GTID=slave_pos,"
                        + " MASTER_CONNECT_RETRY=1",
                "START SLAVE");
    }

    /** Restarts the replication threads if a test (or an error) stopped them; a no-op on a healthy replica. */
    static void resume(MariaDbServer replica) {
        Map<String, Object> status = status(replica);
        if (status != null
                && (!"Yes".equals(String.valueOf(status.get("Slave_IO_Running")))
                        || !"Yes".equals(String.valueOf(status.get("Slave_SQL_Running"))))) {
            replica.execute("START SLAVE");
        }
    }

    /**
     * Polls until {@code replica} has applied everything in {@code source}'s binlog at the time of the call. Fails
     * at once if the replica's SQL thread stopped on an error, since waiting longer could not help.
     */
    static void awaitCaughtUp(MariaDbServer source, MariaDbServer replica, Duration timeout) {
        GtidPosition target = GtidPosition.parse(source.queryForString("SELECT @@gtid_binlog_pos"));
        Poll.until(
                replica + " to catch up with " + source + " at GTID " + target.seqByDomain(),
                timeout,
                () -> {
                    Map<String, Object> status = status(replica);
                    if (status == null) {
                        throw new Poll.Abort(replica + " is not a replica");
                    }
                    if (!"0".equals(String.valueOf(status.get("Last_SQL_Errno")))) {
                        throw new Poll.Abort("replication SQL thread failed: " + status.get("Last_SQL_Error"));
                    }
                    return GtidPosition.parse(replica.queryForString("SELECT @@gtid_current_pos"))
                            .reached(target);
                },
                () -> describe(replica));
    }

    private static Map<String, Object> status(MariaDbServer replica) {
        List<Map<String, Object>> rows = replica.queryForRows("SHOW SLAVE STATUS");
        return rows.isEmpty() ? null : rows.get(0);
    }

    private static String describe(MariaDbServer replica) {
        try {
            Map<String, Object> s = status(replica);
            if (s == null) {
                return replica + " has no replication configured";
            }
            return replica + ": Slave_IO_Running=" + s.get("Slave_IO_Running") + ", Slave_SQL_Running="
                    + s.get("Slave_SQL_Running") + ", Last_IO_Error=" + s.get("Last_IO_Error")
                    + ", Last_SQL_Error=" + s.get("Last_SQL_Error") + ", Gtid_IO_Pos=" + s.get("Gtid_IO_Pos");
        } catch (RuntimeException e) {
            return "cannot read the slave status of " + replica + ": " + e.getMessage() + "\n"
                    + replica.errorLogTail(15);
        }
    }
}
