package io.understudy.core.session;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Telling a read-only request from one that may write, from its first bytes. */
class ClientRequestTest {
    static ByteBuf packet(int command, String text) {
        byte[] body = text.getBytes(StandardCharsets.UTF_8);
        ByteBuf b = Unpooled.buffer();
        int len = body.length + 1;
        b.writeByte(len & 0xff)
                .writeByte((len >> 8) & 0xff)
                .writeByte((len >> 16) & 0xff)
                .writeByte(0);
        b.writeByte(command).writeBytes(body);
        return b;
    }

    static boolean query(String sql) {
        ByteBuf b = packet(0x03, sql);
        try {
            int before = b.readerIndex();
            boolean read = ClientRequest.readOnly(b);
            assertThat(b.readerIndex()).isEqualTo(before);
            return read;
        } finally {
            b.release();
        }
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "SELECT @@server_id",
                "select 1",
                "  \n\tSELECT 1",
                "(SELECT 1) UNION (SELECT 2)",
                "/* mysql-connector-j-8.4.0 (Revision: 1c3f5c149e0bfe31c7fbeb24e2d260cd890972c4) */SELECT"
                        + "  @@session.auto_increment_increment AS auto_increment_increment",
                "SHOW VARIABLES",
                "desc t",
                "DESCRIBE t",
                "EXPLAIN SELECT * FROM t",
                "SET NAMES utf8mb4",
                "SET character_set_results = NULL",
                "set @x = 1"
            })
    void readsAreReadOnly(String sql) {
        assertThat(query(sql)).as(sql).isTrue();
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "INSERT INTO t VALUES (1)",
                "UPDATE t SET a = 1",
                "DELETE FROM t",
                "COMMIT",
                "SET autocommit = 1",
                "SET PASSWORD FOR 'app'@'%' = PASSWORD('x')",
                "SET DEFAULT ROLE r FOR app",
                "SELECTED",
                "/*!40101 SET NAMES utf8 */",
                "/* never closed SELECT 1",
                "CALL p()",
                "REPLACE INTO t VALUES (1)",
                ""
            })
    void everythingElseMayWrite(String sql) {
        assertThat(query(sql)).as(sql).isFalse();
    }

    @Test
    void commandsWithoutDataAreReadOnlyAndUnknownOnesMayWrite() {
        for (int command : new int[] {0x01, 0x02, 0x09, 0x0e}) {
            ByteBuf b = packet(command, "");
            assertThat(ClientRequest.readOnly(b)).as("command 0x%02x", command).isTrue();
            b.release();
        }
        ByteBuf execute = packet(0x17, "\u0001\u0000\u0000\u0000");
        assertThat(ClientRequest.readOnly(execute)).as("COM_STMT_EXECUTE").isFalse();
        execute.release();
        ByteBuf shortPacket = Unpooled.wrappedBuffer(new byte[] {5, 0, 0});
        assertThat(ClientRequest.readOnly(shortPacket)).isFalse();
    }

    @Test
    void aCommentLongerThanTheScanLimitCountsAsAWrite() {
        String comment = "/*" + "x".repeat(ClientRequest.SCAN_LIMIT) + "*/SELECT 1";
        assertThat(query(comment)).isFalse();
    }

    @Test
    void tlsRecordsAreNeverReads() {
        ByteBuf hello = Unpooled.wrappedBuffer(new byte[] {0x16, 0x03, 0x01, 0x02, 0x00});
        assertThat(ClientRequest.tlsRecord(hello)).isTrue();
        // Application data whose length byte happens to be COM_PING.
        ByteBuf data = Unpooled.wrappedBuffer(new byte[] {0x17, 0x03, 0x03, 0x00, 0x0e, 1, 2});
        assertThat(ClientRequest.tlsRecord(data)).isTrue();
        assertThat(ClientRequest.kind(data)).isEqualTo(ClientRequest.Kind.WRITE);
        assertThat(ClientRequest.tlsRecord(packet(0x03, "SELECT 1"))).isFalse();
    }

    @Test
    void onlyAWholeSingleStatementPacketCanBeARead() {
        assertThat(query("SELECT 1; DELETE FROM t")).isFalse();
        assertThat(query("SET NAMES utf8; UPDATE t SET a = 1")).isFalse();
        assertThat(query("SELECT 1;")).isTrue();
        // Two requests in one read: the second may write.
        ByteBuf two = Unpooled.wrappedBuffer(packet(0x03, "SELECT 1"), packet(0x03, "DELETE FROM t"));
        assertThat(ClientRequest.kind(two)).isEqualTo(ClientRequest.Kind.WRITE);
        // A request cut short (the rest comes in a later read) cannot be told.
        ByteBuf whole = packet(0x03, "SELECT 1 FROM dual");
        ByteBuf cut = whole.slice(0, whole.readableBytes() - 4);
        assertThat(ClientRequest.kind(cut)).isEqualTo(ClientRequest.Kind.WRITE);
    }

    @Test
    void statementsThatLookLikeReadsButWriteAreWrites() {
        assertThat(query("/*M!100000 INSERT INTO t VALUES (1) */ SELECT 1")).isFalse();
        assertThat(query("EXPLAIN ANALYZE DELETE FROM t")).isFalse();
        assertThat(query("DESC ANALYZE UPDATE t SET a = 1")).isFalse();
        assertThat(query("SET STATEMENT max_statement_time=1 FOR DELETE FROM t"))
                .isFalse();
    }

    @Test
    void preparedStatementCloseGetsNoAnswer() {
        ByteBuf close = packet(0x19, "\u0001\u0000\u0000\u0000");
        assertThat(ClientRequest.kind(close)).isEqualTo(ClientRequest.Kind.NO_REPLY);
        close.release();
        ByteBuf longData = packet(0x18, "\u0001\u0000\u0000\u0000\u0000\u0000x");
        assertThat(ClientRequest.kind(longData)).isEqualTo(ClientRequest.Kind.NO_REPLY);
        longData.release();
    }

    @Test
    void setAutocommitOnIsItsOwnKind() {
        for (String sql : new String[] {"SET autocommit=1", "set autocommit = 1", "SET autocommit=ON"}) {
            ByteBuf b = packet(0x03, sql);
            assertThat(ClientRequest.kind(b)).as(sql).isEqualTo(ClientRequest.Kind.AUTOCOMMIT);
            b.release();
        }
        ByteBuf off = packet(0x03, "SET autocommit=0");
        assertThat(ClientRequest.kind(off)).isEqualTo(ClientRequest.Kind.WRITE);
        off.release();
        ByteBuf select = packet(0x03, "SELECT 1");
        assertThat(ClientRequest.kind(select)).isEqualTo(ClientRequest.Kind.READ);
        select.release();
    }

    @Test
    void aDriversLongVariablesQueryAtConnectIsARead() {
        StringBuilder sql = new StringBuilder("/* mysql-connector-j-9.7.0 (Revision: 0aade1f13bcc98faf) */SELECT ");
        for (String v : new String[] {
            "auto_increment_increment",
            "character_set_client",
            "character_set_connection",
            "character_set_results",
            "character_set_server",
            "collation_server",
            "collation_connection",
            "init_connect",
            "interactive_timeout",
            "license",
            "lower_case_table_names",
            "max_allowed_packet",
            "net_write_timeout",
            "performance_schema",
            "sql_mode",
            "system_time_zone",
            "time_zone",
            "transaction_isolation",
            "wait_timeout"
        }) {
            sql.append("@@session.").append(v).append(" AS ").append(v).append(", ");
        }
        sql.append("1");
        assertThat(sql.length()).isGreaterThan(512);
        assertThat(query(sql.toString())).isTrue();
    }
}
