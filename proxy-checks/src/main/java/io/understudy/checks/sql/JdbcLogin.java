package io.understudy.checks.sql;

import com.mysql.cj.jdbc.NonRegisteringDriver;
import io.understudy.core.config.SendProxy;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.sql.Connection;
import java.sql.Driver;
import java.sql.SQLException;
import java.util.Objects;
import java.util.Properties;

/**
 * How an SQL check logs in: the mysql-connector-j URL and properties for one server and user, chosen so that a login
 * costs as little as possible while still being the login a real application does.
 *
 * <p>TLS is off ({@code sslMode=DISABLED}; the legacy {@code useSSL=false} means the same and is ignored once
 * {@code sslMode} is set): a TLS handshake every few seconds per server would cost more than the check itself, and a
 * check account should hold no privilege worth protecting. {@code allowPublicKeyRetrieval=true} lets
 * {@code caching_sha2_password} accounts log in over plain TCP by RSA-encrypting the password.
 */
public final class JdbcLogin {
    /**
     * Registering with {@link java.sql.DriverManager} is pointless here: the check talks to the driver directly,
     * which also skips DriverManager's scan of every registered driver.
     */
    private static final Driver DRIVER = newDriver();

    private final String url;
    private final String user;
    private final String password;
    private final SendProxy sendProxy;

    public JdbcLogin(InetSocketAddress target, String user, String password) {
        this(target, user, password, SendProxy.NONE);
    }

    /** A login whose connection starts with a PROXY protocol header ({@link ProxyHeaderSocketFactory}). */
    public JdbcLogin(InetSocketAddress target, String user, String password, SendProxy sendProxy) {
        this.url = url(target);
        this.user = Objects.requireNonNull(user, "user");
        this.password = password == null ? "" : password;
        this.sendProxy = Objects.requireNonNull(sendProxy, "sendProxy");
    }

    static String url(InetSocketAddress target) {
        // The IP the proxy routes to, never the name it came from: the driver would resolve the name again, and after
        // a DNS move the check (or the writer lock) would judge another server than the one taking the traffic.
        String host = target.getAddress() != null
                ? io.netty.util.NetUtil.toAddressString(target.getAddress())
                : target.getHostString();
        if (target.getAddress() instanceof Inet6Address || host.indexOf(':') >= 0) {
            host = "[" + host + "]";
        }
        // No default database: the check account needs no privilege on any schema.
        return "jdbc:mysql://" + host + ":" + target.getPort() + "/";
    }

    String url() {
        return url;
    }

    /** The driver properties for a login that must be over within {@code timeoutMillis}. */
    Properties properties(int timeoutMillis) {
        Properties p = new Properties();
        p.setProperty("user", user);
        if (!password.isEmpty()) {
            p.setProperty("password", password);
        }
        p.setProperty("connectTimeout", Integer.toString(timeoutMillis));
        // Bounds every read of the login; statements get the remaining budget via setNetworkTimeout.
        p.setProperty("socketTimeout", Integer.toString(timeoutMillis));
        p.setProperty("sslMode", "DISABLED");
        p.setProperty("allowPublicKeyRetrieval", "true");
        p.setProperty("tcpKeepAlive", "false");
        // The server variables the driver reads at login are cached per URL: later logins skip that query.
        p.setProperty("cacheServerConfiguration", "true");
        // Answer autocommit/isolation/read-only questions locally instead of asking the server.
        p.setProperty("useLocalSessionState", "true");
        p.setProperty("elideSetAutoCommits", "true");
        // A custom check query that returns a zero date must not fail the check.
        p.setProperty("zeroDateTimeBehavior", "CONVERT_TO_NULL");
        // Never reconnect behind our back: every check is one login.
        p.setProperty("autoReconnect", "false");
        // Lets a DBA tell check sessions apart in the processlist / performance_schema.
        p.setProperty("connectionAttributes", "program_name:understudy-sqlcheck");
        // The driver's own logging goes to SLF4J instead of stderr.
        p.setProperty("logger", "com.mysql.cj.log.Slf4JLogger");
        if (sendProxy != SendProxy.NONE) {
            p.setProperty("socketFactory", ProxyHeaderSocketFactory.className(sendProxy));
        }
        return p;
    }

    /** Opens a connection; the caller closes it. */
    public Connection connect(int timeoutMillis) throws SQLException {
        Connection c = DRIVER.connect(url, properties(timeoutMillis));
        if (c == null) {
            // Driver.connect returns null for a URL it does not accept; ours always has the jdbc:mysql: prefix.
            throw new SQLException("mysql-connector-j refused the URL " + url);
        }
        return c;
    }

    private static Driver newDriver() {
        try {
            return new NonRegisteringDriver();
        } catch (SQLException e) {
            throw new ExceptionInInitializerError(e);
        }
    }
}
