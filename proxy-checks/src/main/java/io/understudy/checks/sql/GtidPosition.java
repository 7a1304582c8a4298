package io.understudy.checks.sql;

import java.util.Objects;

/**
 * Everything a server has committed, as the GTID text its own variable reports: MariaDB's {@code @@gtid_binlog_pos}
 * ({@code 0-1-42,1-2-7}: domain, server id and sequence number of the last transaction per domain) or MySQL's
 * {@code @@gtid_executed} ({@code 3e11fa47-71ca-11e1-9e33-c80aa9429562:1-42}). It is kept as text because the server
 * that waits for it ({@code MASTER_GTID_WAIT}, {@code WAIT_FOR_EXECUTED_GTID_SET}) is the one that compares it.
 *
 * @param text the position without whitespace (MySQL breaks a long GTID set over several lines); empty when the
 *     server has never written anything, which a replica has always applied
 */
public record GtidPosition(String text) {
    public GtidPosition {
        text = Objects.requireNonNull(text, "text").replaceAll("\\s+", "");
    }

    /** The position of a server that has written nothing, so there is nothing to wait for. */
    public static GtidPosition empty() {
        return new GtidPosition("");
    }

    public boolean isEmpty() {
        return text.isEmpty();
    }

    /** The GTID text as the server wrote it, or {@code (empty)}, for messages. */
    @Override
    public String toString() {
        return text.isEmpty() ? "(empty)" : text;
    }
}
