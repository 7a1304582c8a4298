package io.understudy.checks.sql;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads a replica's status with whichever statement its server understands, and remembers which one that was so
 * that later checks of the same server do not pay for a failed statement each time.
 *
 * <p>{@code SHOW REPLICA STATUS} comes first: MariaDB 10.5+ and MySQL 8.0.22+ have it, and MySQL 8.4 no longer has
 * {@code SHOW SLAVE STATUS}. Older servers reject it with a syntax error (1064), and then {@code SHOW SLAVE STATUS}
 * is used. Any other error (e.g. 1227, the check user lacks REPLICATION CLIENT / SLAVE MONITOR) is the check's
 * result. On MariaDB this reads the default (unnamed) replication connection only.
 */
final class ReplicaStatusReader {
    static final String REPLICA_STATUS = "SHOW REPLICA STATUS";
    static final String SLAVE_STATUS = "SHOW SLAVE STATUS";
    /** ER_PARSE_ERROR: what a server without the newer statement answers. */
    static final int ER_PARSE_ERROR = 1064;

    private static final Logger log = LoggerFactory.getLogger(ReplicaStatusReader.class);

    /**
     * One reader serves one server, whose checks may overlap (a deciding check is two attempts at once): reads and
     * writes must be visible.
     */
    private volatile String preferred = REPLICA_STATUS;

    /** The statement the next read tries first. */
    String statement() {
        return preferred;
    }

    /** The status, or empty when the server is not a replica. */
    Optional<ReplicaStatus> read(Connection c, BoundedStatements statements) throws SQLException {
        String first = preferred;
        try {
            return read(c, first, statements);
        } catch (SQLException e) {
            if (e.getErrorCode() != ER_PARSE_ERROR) {
                throw e;
            }
            String other = first.equals(REPLICA_STATUS) ? SLAVE_STATUS : REPLICA_STATUS;
            log.debug("{} is a syntax error on {}, trying {}", first, c, other);
            Optional<ReplicaStatus> status = read(c, other, statements);
            preferred = other;
            return status;
        }
    }

    private static Optional<ReplicaStatus> read(Connection c, String sql, BoundedStatements statements)
            throws SQLException {
        try (Statement s = statements.create(c)) {
            try (ResultSet rs = s.executeQuery(sql)) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                ResultSetMetaData meta = rs.getMetaData();
                Map<String, String> row = new HashMap<>();
                for (int i = 1; i <= meta.getColumnCount(); i++) {
                    row.put(meta.getColumnLabel(i), rs.getString(i));
                }
                return Optional.of(ReplicaStatus.fromRow(row));
            }
        }
    }
}
