package io.understudy.testkit;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/** Builds mysql-connector-j URLs for a loopback server, with settings that suit MariaDB test servers. */
final class JdbcUrls {
    private JdbcUrls() {}

    /**
     * A URL for {@code user}, with {@code database} (may be null) as the default database. TLS is off because the
     * test servers have no certificates; LOAD DATA LOCAL is allowed because the servers enable {@code local_infile}
     * for tests that use it.
     */
    static String of(String host, int port, String user, String password, String database) {
        StringBuilder url = new StringBuilder("jdbc:mysql://")
                .append(host)
                .append(':')
                .append(port)
                .append('/')
                .append(database == null ? "" : encode(database))
                .append("?user=")
                .append(encode(user));
        if (password != null && !password.isEmpty()) {
            url.append("&password=").append(encode(password));
        }
        return url.append("&sslMode=DISABLED&allowLoadLocalInfile=true&connectTimeout=5000")
                .toString();
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
