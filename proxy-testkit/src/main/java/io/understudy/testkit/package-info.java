/**
 * Test fixtures shared by every module: real {@code mariadbd} servers started from a per-JVM template datadir
 * ({@link io.understudy.testkit.MariaDbServer}, {@link io.understudy.testkit.MariaDbCluster},
 * {@link io.understudy.testkit.MariaDbExtension}), the real {@code mariadb} CLI
 * ({@link io.understudy.testkit.MariaDbCli}) and Netty leak detection for JUnit
 * ({@link io.understudy.testkit.LeakDetectionExtension}).
 *
 * <pre>{@code
 * class FailoverIT {
 *     @RegisterExtension
 *     static MariaDbExtension db = MariaDbExtension.primaryBackup(b -> b.option("max_connections=2000"));
 *
 *     @Test
 *     void backupTakesOver() throws Exception {
 *         db.primary().execute("CREATE TABLE test.t (id INT PRIMARY KEY)", "INSERT INTO test.t VALUES (1)");
 *         db.awaitReplication();
 *         db.primary().kill9();                       // the extension restarts it before the next test
 *         try (Connection c = DriverManager.getConnection(
 *                 "jdbc:mysql://127.0.0.1:" + proxyPort + "/test?user=app&password=app&sslMode=DISABLED")) {
 *             // ...
 *         }
 *         MariaDbCli.Result r = MariaDbCli.to("127.0.0.1", proxyPort, "app", "app").batch()
 *                 .execute("SELECT @@server_id");
 *         assertThat(r.stdout()).isEqualTo("2\n");
 *     }
 * }
 * }</pre>
 */
package io.understudy.testkit;
