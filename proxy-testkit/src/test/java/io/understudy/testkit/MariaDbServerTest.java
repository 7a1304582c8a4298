package io.understudy.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** One server shared by the class; each test may kill, stop or freeze it, the extension revives it. */
class MariaDbServerTest {
    @RegisterExtension
    static MariaDbExtension db = MariaDbExtension.single(b -> b.name("solo").option("max_connect_errors=3"));

    @Test
    void answersAsConfigured() {
        MariaDbServer server = db.server();
        assertThat(server.queryForLong("SELECT @@server_id")).isEqualTo(1);
        assertThat(server.queryForLong("SELECT @@max_connect_errors")).isEqualTo(3);
        assertThat(server.queryForLong("SELECT @@local_infile")).isEqualTo(1);
        assertThat(server.queryForString("SELECT @@bind_address")).isEqualTo("127.0.0.1");
        assertThat(server.queryForString(
                        "SELECT SCHEMA_NAME FROM information_schema.SCHEMATA WHERE SCHEMA_NAME='test'"))
                .isEqualTo("test");
        assertThat(server.isRunning()).isTrue();
        assertThat(server.dataDir()).isDirectory();
    }

    @Test
    void testAccountsCanLogInWithTheirPrivileges() throws SQLException {
        MariaDbServer server = db.server();
        assertThat(query(server.jdbcUrl("app", "app"), "SELECT CURRENT_USER()")).isEqualTo("app@%");
        assertThat(query(server.jdbcUrl("haproxy", null), "SELECT CURRENT_USER()"))
                .isEqualTo("haproxy@%");
        try (Connection c = DriverManager.getConnection(server.jdbcUrl("checkpw", "s3cret"));
                Statement s = c.createStatement()) {
            s.executeQuery("SHOW SLAVE STATUS").close();
        }
        assertThat(server.queryForString("SELECT plugin FROM mysql.user WHERE user = 'checkpw' AND host = '%'"))
                .isEqualTo("mysql_native_password");
        assertThatThrownBy(() -> query(server.jdbcUrl("haproxy", null), "SELECT * FROM mysql.user"))
                .isInstanceOf(SQLException.class)
                .hasMessageContaining("denied");
    }

    @Test
    void kill9AndRestartKeepPortAndData() {
        MariaDbServer server = db.server();
        server.execute("CREATE TABLE test.survivor (id INT PRIMARY KEY)", "INSERT INTO test.survivor VALUES (42)");
        int port = server.port();
        long pid = server.pid();

        server.kill9();
        assertThat(server.isRunning()).isFalse();
        assertThat(ProcFs.alive(pid)).isFalse();

        server.restart();
        assertThat(server.port()).isEqualTo(port);
        assertThat(server.pid()).isNotEqualTo(pid);
        assertThat(server.queryForLong("SELECT id FROM test.survivor")).isEqualTo(42);
        server.execute("DROP TABLE test.survivor");
    }

    @Test
    void cleanStopAndStartAgain() {
        MariaDbServer server = db.server();
        int port = server.port();
        server.stop();
        assertThat(server.isRunning()).isFalse();
        assertThatThrownBy(() -> server.queryForLong("SELECT 1")).isInstanceOf(MariaDbFixtureException.class);
        server.start();
        assertThat(server.port()).isEqualTo(port);
        assertThat(server.errorLog()).content().contains("Normal shutdown");
    }

    @Test
    void frozenServerTimesOutQueriesUntilThawed() throws SQLException {
        MariaDbServer server = db.server();
        String url = server.jdbcUrl("app", "app") + "&socketTimeout=500";
        try (Connection c = DriverManager.getConnection(url);
                Statement s = c.createStatement()) {
            server.freeze();
            assertThat(server.isFrozen()).isTrue();
            long start = System.nanoTime();
            assertThatThrownBy(() -> s.executeQuery("SELECT 1")).isInstanceOf(SQLException.class);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
        } finally {
            server.thaw();
        }
        assertThat(query(url, "SELECT 1")).isEqualTo("1");
    }

    @Test
    void ensureRunningRevivesAFrozenServer() {
        MariaDbServer server = db.server();
        server.freeze();
        db.ensureRunning();
        assertThat(server.isFrozen()).isFalse();
        assertThat(server.queryForLong("SELECT 2")).isEqualTo(2);
    }

    @Test
    void cliRunsAQuery() {
        MariaDbCli.Result result =
                MariaDbCli.to(db.server(), "app", "app").batch().execute("SELECT @@server_id, CURRENT_USER()");
        assertThat(result.succeeded()).as(result.toString()).isTrue();
        assertThat(result.stdout()).isEqualTo("1\tapp@%\n");
    }

    @Test
    void cliReportsErrorsAndReadsStdin() {
        MariaDbCli cli = MariaDbCli.to(db.server(), "app", "app").batch();
        MariaDbCli.Result bad = cli.execute("SELECT * FROM no_such_db.t");
        assertThat(bad.exitCode()).isEqualTo(1);
        assertThat(bad.stderr()).contains("ERROR 1146");

        MariaDbCli.Result piped =
                cli.database("test").stdin("SELECT DATABASE();\nSELECT 6*7;\n").run();
        assertThat(piped.stdout()).isEqualTo("test\n42\n");

        MariaDbCli.Result denied = MariaDbCli.to(db.server(), "app", "wrong").execute("SELECT 1");
        assertThat(denied.exitCode()).isEqualTo(1);
        assertThat(denied.stderr()).contains("Access denied");
    }

    @Test
    void cliLoadsLocalInfile(@TempDir Path tmp) throws Exception {
        Path csv = Files.writeString(tmp.resolve("rows.tsv"), "1\tone\n2\ttwo\n");
        MariaDbCli cli =
                MariaDbCli.to(db.server(), "app", "app").database("test").args("--local-infile=1");
        MariaDbCli.Result result = cli.execute("CREATE TABLE loaded (id INT, name VARCHAR(10));"
                + " LOAD DATA LOCAL INFILE '" + csv + "' INTO TABLE loaded; SELECT COUNT(*) FROM loaded;"
                + " DROP TABLE loaded;");
        assertThat(result.succeeded()).as(result.toString()).isTrue();
        assertThat(result.stdout()).contains("2");
    }

    @Test
    void cliIsKilledOnTimeout() throws Exception {
        MariaDbServer server = db.server();
        server.freeze();
        MariaDbCli.Result result = MariaDbCli.to(server, "app", "app")
                .timeout(Duration.ofMillis(700))
                .execute("SELECT 1");
        assertThat(result.timedOut()).isTrue();
        assertThat(result.exitCode()).isEqualTo(-1);
        assertThat(ProcFs.pidsWithCmdline("--no-defaults", "--protocol=TCP", "--port=" + server.port()))
                .isEmpty();
        // The extension thaws the server before the next test.
    }

    private static String query(String url, String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(url);
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }
}
