package io.understudy.testkit;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Finds the MariaDB executables the fixture runs. A system property {@code understudy.mariadb.bindir} wins, then
 * {@code PATH}, then the Debian locations ({@code /usr/sbin} is often missing from a non-login {@code PATH}).
 */
final class MariaDbBinaries {
    private MariaDbBinaries() {}

    static Path mariadbd() {
        return find("mariadbd", "mysqld");
    }

    static Path installDb() {
        return find("mariadb-install-db", "mysql_install_db");
    }

    static Path client() {
        return find("mariadb", "mysql");
    }

    private static Path find(String... names) {
        List<Path> dirs = new ArrayList<>();
        String override = System.getProperty("understudy.mariadb.bindir");
        if (override != null && !override.isBlank()) {
            dirs.add(Path.of(override));
        }
        String path = System.getenv("PATH");
        if (path != null) {
            for (String dir : path.split(File.pathSeparator)) {
                if (!dir.isEmpty()) {
                    dirs.add(Path.of(dir));
                }
            }
        }
        dirs.add(Path.of("/usr/sbin"));
        dirs.add(Path.of("/usr/bin"));
        dirs.add(Path.of("/usr/local/mysql/bin"));
        for (String name : names) {
            for (Path dir : dirs) {
                Path candidate = dir.resolve(name);
                if (Files.isExecutable(candidate)) {
                    return candidate;
                }
            }
        }
        throw new MariaDbFixtureException("cannot find " + String.join(" or ", names) + " in " + dirs
                + "; install Debian's mariadb-server and mariadb-client packages");
    }
}
