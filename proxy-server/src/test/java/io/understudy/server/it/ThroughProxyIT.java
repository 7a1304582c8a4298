package io.understudy.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.understudy.testkit.LeakDetectionExtension;
import io.understudy.testkit.MariaDbCli;
import io.understudy.testkit.MariaDbExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Real clients through the proxy to a real MariaDB get exactly what a direct connection gets. */
@Timeout(300)
@ExtendWith(LeakDetectionExtension.class)
class ThroughProxyIT {
    @RegisterExtension
    static MariaDbExtension db = MariaDbExtension.primaryBackup(b -> b.option("max_allowed_packet", "64M"));

    static InProcessProxy proxy;

    @BeforeAll
    static void startProxy() throws Exception {
        proxy = InProcessProxy.activeBackup(db.servers(), "");
    }

    @AfterAll
    static void stopProxy() {
        proxy.close();
    }

    @Test
    void queriesAndServerSidePreparedStatementsReachThePrimary() throws Exception {
        try (Connection c = Jdbc.connect(proxy.port(), "useServerPrepStmts=true")) {
            assertThat(Jdbc.serverId(c)).isEqualTo(db.primary().serverId());
            try (Statement st = c.createStatement()) {
                st.execute("CREATE TABLE IF NOT EXISTS t_ps (id INT PRIMARY KEY, v VARCHAR(64))");
                st.execute("DELETE FROM t_ps");
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO t_ps VALUES (?, ?)")) {
                for (int i = 0; i < 50; i++) {
                    ps.setInt(1, i);
                    ps.setString(2, "row-" + i);
                    ps.executeUpdate();
                }
            }
            try (PreparedStatement ps = c.prepareStatement("SELECT v FROM t_ps WHERE id = ?")) {
                ps.setInt(1, 42);
                try (ResultSet rs = ps.executeQuery()) {
                    assertThat(rs.next()).isTrue();
                    assertThat(rs.getString(1)).isEqualTo("row-42");
                }
            }
        }
    }

    @Test
    void aHundredMegabyteResultIsByteIdenticalToADirectConnection() throws Exception {
        String sql = "SELECT seq, REPEAT(CHAR(65 + seq % 26), 1000) FROM seq_1_to_100000";
        Digest viaProxy = streamDigest(proxy.port(), sql);
        Digest direct = streamDigest(db.primary().port(), sql);
        assertThat(viaProxy.bytes).isGreaterThan(100_000_000L);
        assertThat(viaProxy).isEqualTo(direct);
    }

    @Test
    void aSixteenMegabyteInsertArrivesIntact() throws Exception {
        byte[] blob = new byte[16 * 1024 * 1024];
        new Random(16).nextBytes(blob);
        try (Connection c = Jdbc.connect(proxy.port())) {
            try (Statement st = c.createStatement()) {
                st.execute("CREATE TABLE IF NOT EXISTS t_blob (id INT PRIMARY KEY, b LONGBLOB)");
                st.execute("DELETE FROM t_blob");
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO t_blob VALUES (1, ?)")) {
                ps.setBytes(1, blob);
                ps.executeUpdate();
            }
        }
        // Read back directly from the server: what the proxy carried is what the server stored.
        try (Connection c = Jdbc.connect(db.primary().port());
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT b, SHA2(b, 256) FROM t_blob WHERE id = 1")) {
            assertThat(rs.next()).isTrue();
            assertThat(sha256(rs.getBytes(1))).isEqualTo(sha256(blob));
            assertThat(rs.getString(2)).isEqualTo(HexFormat.of().formatHex(sha256(blob)));
        }
    }

    @Test
    void loadDataLocalInfileWorksWithJdbcAndTheCli(@TempDir Path dir) throws Exception {
        Path csv = dir.resolve("rows.csv");
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 20_000; i++) {
            sb.append(i).append(",name-").append(i).append('\n');
        }
        Files.writeString(csv, sb.toString());
        try (Connection c = Jdbc.connect(proxy.port());
                Statement st = c.createStatement()) {
            st.execute("CREATE TABLE IF NOT EXISTS t_load (id INT PRIMARY KEY, name VARCHAR(32))");
            st.execute("DELETE FROM t_load");
            st.execute("LOAD DATA LOCAL INFILE '" + csv + "' INTO TABLE t_load FIELDS TERMINATED BY ','");
            try (ResultSet rs = st.executeQuery("SELECT COUNT(*), SUM(id) FROM t_load")) {
                rs.next();
                assertThat(rs.getLong(1)).isEqualTo(20_000);
                assertThat(rs.getLong(2)).isEqualTo(199_990_000L);
            }
            st.execute("DELETE FROM t_load");
        }
        MariaDbCli.Result r = MariaDbCli.to("127.0.0.1", proxy.port(), "app", "app")
                .database("test")
                .args("--local-infile=1")
                .batch()
                .execute("LOAD DATA LOCAL INFILE '" + csv + "' INTO TABLE t_load FIELDS TERMINATED BY ','; "
                        + "SELECT COUNT(*), @@server_id FROM t_load");
        assertThat(r.succeeded()).as(r.toString()).isTrue();
        assertThat(r.stdout().trim()).isEqualTo("20000\t" + db.primary().serverId());
    }

    @Test
    void theCliSeesTheSameResultAsDirectly() {
        String sql = "SELECT seq, MD5(seq) FROM seq_1_to_20000";
        MariaDbCli.Result via = MariaDbCli.to("127.0.0.1", proxy.port(), "app", "app")
                .database("test")
                .batch()
                .execute(sql);
        MariaDbCli.Result direct = MariaDbCli.to(db.primary(), "app", "app")
                .database("test")
                .batch()
                .execute(sql);
        assertThat(via.succeeded()).as(via.toString()).isTrue();
        assertThat(via.stdout()).isEqualTo(direct.stdout());
        assertThat(via.stdout().lines().count()).isEqualTo(20_000);
    }

    record Digest(long rows, long bytes, String sha256) {}

    /** Streams a result row by row (the driver does not buffer it) and digests every column value. */
    static Digest streamDigest(int port, String sql) throws Exception {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        long rows = 0;
        long bytes = 0;
        try (Connection c = Jdbc.connect(port);
                Statement st = c.createStatement(ResultSet.TYPE_FORWARD_ONLY, ResultSet.CONCUR_READ_ONLY)) {
            st.setFetchSize(Integer.MIN_VALUE);
            try (ResultSet rs = st.executeQuery(sql)) {
                int cols = rs.getMetaData().getColumnCount();
                while (rs.next()) {
                    rows++;
                    for (int i = 1; i <= cols; i++) {
                        byte[] v = rs.getBytes(i);
                        md.update(v);
                        md.update((byte) 0);
                        bytes += v.length;
                    }
                }
            }
        }
        return new Digest(rows, bytes, HexFormat.of().formatHex(md.digest()));
    }

    static byte[] sha256(byte[] data) throws Exception {
        return MessageDigest.getInstance("SHA-256").digest(data);
    }
}
