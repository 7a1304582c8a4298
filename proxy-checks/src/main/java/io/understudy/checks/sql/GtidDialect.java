package io.understudy.checks.sql;

/**
 * The statements that read and wait for GTID positions, which MariaDB and MySQL spell differently (their GTIDs are
 * not even the same format). The server says which it is in its version string: MariaDB's contains "MariaDB".
 */
enum GtidDialect {
    /**
     * {@code @@gtid_binlog_pos} is what the binlog holds, which is what replicas read. {@code MASTER_GTID_WAIT} waits
     * for {@code @@gtid_slave_pos}, so the applied position quoted on a timeout is that one too.
     */
    MARIADB(
            "MariaDB",
            "@@gtid_binlog_pos",
            "SELECT @@global.log_bin, @@global.gtid_binlog_pos",
            "SELECT MASTER_GTID_WAIT(?, ?)",
            -1,
            "SELECT @@global.gtid_slave_pos"),
    /** {@code WAIT_FOR_EXECUTED_GTID_SET} answers 1, not -1, on a timeout; {@code gtid_mode} must be ON. */
    MYSQL(
            "MySQL",
            "@@gtid_executed",
            "SELECT @@global.log_bin, @@global.gtid_executed, @@global.gtid_mode",
            "SELECT WAIT_FOR_EXECUTED_GTID_SET(?, ?)",
            1,
            "SELECT @@global.gtid_executed");

    private final String product;
    private final String positionVariable;
    private final String positionQuery;
    private final String waitQuery;
    private final int timedOut;
    private final String appliedQuery;

    GtidDialect(
            String product,
            String positionVariable,
            String positionQuery,
            String waitQuery,
            int timedOut,
            String appliedQuery) {
        this.product = product;
        this.positionVariable = positionVariable;
        this.positionQuery = positionQuery;
        this.waitQuery = waitQuery;
        this.timedOut = timedOut;
        this.appliedQuery = appliedQuery;
    }

    /** @param serverVersion the version the server sent in its greeting, e.g. {@code 5.5.5-10.11.6-MariaDB-log} */
    static GtidDialect of(String serverVersion) {
        return serverVersion != null && serverVersion.contains("MariaDB") ? MARIADB : MYSQL;
    }

    String product() {
        return product;
    }

    /** The variable the position comes from, for messages. */
    String positionVariable() {
        return positionVariable;
    }

    /**
     * {@code log_bin}, the position and, on MySQL, {@code gtid_mode}: without a binlog (or with GTIDs off) the
     * position would read as empty and the wait would pass without waiting for anything.
     */
    String positionQuery() {
        return positionQuery;
    }

    boolean hasGtidMode() {
        return this == MYSQL;
    }

    /** Two parameters: the position as text and the timeout in (fractional) seconds. */
    String waitQuery() {
        return waitQuery;
    }

    /** What {@link #waitQuery()} answers when the timeout passed first; 0 means applied. */
    int timedOutResult() {
        return timedOut;
    }

    /** The position the wait compares against, quoted when it timed out. */
    String appliedQuery() {
        return appliedQuery;
    }
}
