package io.understudy.testkit;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs administrative SQL as {@code root} over a fresh JDBC connection per call. A fresh connection costs a few
 * milliseconds on loopback and never goes stale across a server restart, unlike a cached one.
 */
final class RootSql {
    /** Generous, but bounded: a frozen server must fail the test instead of hanging it. */
    private static final int SOCKET_TIMEOUT_MS = 30_000;

    private final String url;
    private final String description;

    RootSql(String baseUrl, String description) {
        this.url = baseUrl + "&socketTimeout=" + SOCKET_TIMEOUT_MS;
        this.description = description;
    }

    Connection connect() throws SQLException {
        return DriverManager.getConnection(url);
    }

    void execute(String... statements) {
        try (Connection c = connect();
                Statement s = c.createStatement()) {
            for (String sql : statements) {
                try {
                    s.execute(sql);
                } catch (SQLException e) {
                    throw new MariaDbFixtureException("on " + description + ", " + sql + " failed: " + e, e);
                }
            }
        } catch (SQLException e) {
            throw new MariaDbFixtureException("cannot connect to " + description + ": " + e, e);
        }
    }

    /** The rows of {@code sql}, each as column label to value (labels as the server reports them). */
    List<Map<String, Object>> query(String sql) {
        try (Connection c = connect();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            List<Map<String, Object>> rows = new ArrayList<>();
            int columns = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                Map<String, Object> row = new LinkedHashMap<>();
                for (int i = 1; i <= columns; i++) {
                    row.put(rs.getMetaData().getColumnLabel(i), rs.getObject(i));
                }
                rows.add(row);
            }
            return rows;
        } catch (SQLException e) {
            throw new MariaDbFixtureException("on " + description + ", " + sql + " failed: " + e, e);
        }
    }

    /** The first column of the first row as a string, or null if there is no row or the value is NULL. */
    String queryForString(String sql) {
        try (Connection c = connect();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            return rs.next() ? rs.getString(1) : null;
        } catch (SQLException e) {
            throw new MariaDbFixtureException("on " + description + ", " + sql + " failed: " + e, e);
        }
    }
}
