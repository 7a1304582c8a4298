/**
 * The MySQL health check (HAProxy's {@code option mysql-check}, done as a real client): read the server greeting, log
 * in as the check user with its password (mysql_native_password, caching_sha2_password with fast or RSA full
 * authentication, auth switch), then {@code COM_QUIT} and a FIN, so that checks never count as aborted connections.
 *
 * <p>The wire format pieces (packet framing, greeting, handshake response, scrambles) are package-private classes with
 * one job each; {@link io.understudy.checks.mysql.MySqlCheck} is the entry point.
 */
package io.understudy.checks.mysql;
