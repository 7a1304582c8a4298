package io.understudy.testkit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The {@code my.cnf} of a test server: light defaults tuned for start-up speed and no fsync (test data is disposable),
 * overridden by the options a test asked for, plus the per-server paths and port.
 */
final class ServerConfig {
    /** Options that decide the on-disk layout; the template datadir is created with the same values. */
    static final Map<String, String> LAYOUT_OPTIONS = Map.of(
            "innodb_log_file_size", "8M",
            "innodb_buffer_pool_size", "32M",
            "innodb_use_native_aio", "0");

    private ServerConfig() {}

    /** Defaults every server gets unless a test overrides them. Keys use underscores so overrides replace them. */
    static Map<String, String> defaults() {
        Map<String, String> o = new LinkedHashMap<>(LAYOUT_OPTIONS);
        o.put("skip_name_resolve", null);
        o.put("bind_address", "127.0.0.1");
        o.put("performance_schema", "OFF");
        o.put("innodb_flush_log_at_trx_commit", "2");
        // nosync: the OS page cache survives a SIGKILL of mariadbd, which is all a kill9() test needs.
        o.put("innodb_flush_method", "nosync");
        o.put("innodb_doublewrite", "0");
        o.put("innodb_buffer_pool_dump_at_shutdown", "0");
        o.put("innodb_buffer_pool_load_at_startup", "0");
        o.put("sync_binlog", "0");
        o.put("key_buffer_size", "1M");
        o.put("aria_pagecache_buffer_size", "8M");
        o.put("local_infile", "1");
        o.put("character_set_server", "utf8mb4");
        o.put("collation_server", "utf8mb4_general_ci");
        return o;
    }

    /** Normalises an option name as mariadbd does ({@code log-bin} and {@code log_bin} are the same option). */
    static String normalise(String name) {
        return name.trim().replace('-', '_');
    }

    /**
     * Writes {@code my.cnf} into {@code dir}. {@code log_basename} comes first because it sets the default names of
     * the error log and binlogs, and would otherwise override the paths given before it.
     */
    static Path write(Path dir, Path dataDir, int port, int serverId, Map<String, String> options) throws IOException {
        Map<String, String> all = new LinkedHashMap<>();
        all.put("log_basename", "mariadb");
        all.put("datadir", dataDir.toString());
        all.put("port", Integer.toString(port));
        all.put("socket", dir.resolve("mysqld.sock").toString());
        all.put("pid_file", dir.resolve("mariadbd.pid").toString());
        all.put("log_error", dir.resolve("error.log").toString());
        // Never the shared /tmp: a starting mariadbd deletes the #sql* temp tables it finds in its tmpdir.
        all.put("tmpdir", dir.resolve("tmp").toString());
        all.put("server_id", Integer.toString(serverId));
        if (runningAsRoot()) {
            // mariadbd refuses to run as root unless told to; the tests run as root in CI.
            all.put("user", "root");
        }
        all.putAll(defaults());
        options.forEach((k, v) -> all.put(normalise(k), v));
        Files.createDirectories(dir.resolve("tmp"));
        StringBuilder text = new StringBuilder("[mariadbd]\n");
        all.forEach((k, v) -> text.append(k).append(v == null ? "" : "=" + v).append('\n'));
        Path cnf = dir.resolve("my.cnf");
        Files.writeString(cnf, text, StandardCharsets.UTF_8);
        return cnf;
    }

    static boolean runningAsRoot() {
        return "root".equals(System.getProperty("user.name"));
    }
}
