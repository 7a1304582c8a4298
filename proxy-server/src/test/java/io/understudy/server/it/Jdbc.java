package io.understudy.server.it;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/** mysql-connector-j connections for integration tests, to the proxy or straight to a server. */
final class Jdbc {
    private Jdbc() {}

    static String url(int port, String extra) {
        return "jdbc:mysql://127.0.0.1:" + port + "/test?user=app&password=app&sslMode=DISABLED"
                + "&allowLoadLocalInfile=true&connectTimeout=10000&socketTimeout=60000"
                + (extra.isEmpty() ? "" : "&" + extra);
    }

    static Connection connect(int port) throws SQLException {
        return DriverManager.getConnection(url(port, ""));
    }

    static Connection connect(int port, String extra) throws SQLException {
        return DriverManager.getConnection(url(port, extra));
    }

    static long serverId(Connection c) throws SQLException {
        try (Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT @@server_id")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** Connects to {@code port}, asks which server answered, disconnects. */
    static long serverIdVia(int port) throws SQLException {
        try (Connection c = connect(port)) {
            return serverId(c);
        }
    }
}
