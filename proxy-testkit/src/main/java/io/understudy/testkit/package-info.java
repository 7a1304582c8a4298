/**
 * Test fixtures shared by every module: real {@code mariadbd} servers started from a per-JVM template datadir
 * ({@link io.understudy.testkit.MariaDbServer}, {@link io.understudy.testkit.MariaDbCluster},
 * {@link io.understudy.testkit.MariaDbExtension}), the real {@code mariadb} CLI
 * ({@link io.understudy.testkit.MariaDbCli}) and Netty leak detection for JUnit
 * ({@link io.understudy.testkit.LeakDetectionExtension}).
 */
package io.understudy.testkit;
