package io.understudy.checks;

import io.netty.channel.EventLoopGroup;
import io.understudy.checks.mysql.MySqlCheck;
import io.understudy.checks.sql.SqlCheck;
import io.understudy.checks.sql.SqlCheckExecutor;
import io.understudy.checks.tcp.TcpCheck;
import io.understudy.core.config.CheckConfig;
import io.understudy.core.config.SendProxy;
import io.understudy.core.model.Server;
import io.understudy.core.transport.Transport;

/**
 * Makes each server's check from its settings: TCP and MySQL checks run as Netty clients on {@code group}; SQL checks
 * run mysql-connector-j on the bounded {@code sqlExecutor}, never on an event loop. A {@code send-proxy} server's checks
 * start with a PROXY protocol header, as HAProxy's do.
 */
public final class StandardCheckFactory implements CheckFactory {
    private final EventLoopGroup group;
    private final Transport transport;
    private final SqlCheckExecutor sqlExecutor;

    public StandardCheckFactory(EventLoopGroup group, Transport transport, SqlCheckExecutor sqlExecutor) {
        this.group = group;
        this.transport = transport;
        this.sqlExecutor = sqlExecutor;
    }

    @Override
    public Check create(Server server) {
        CheckConfig c = server.config().check();
        // A send-proxy server's checks send a header too (HAProxy's default): a server that requires one would
        // otherwise refuse them, and one that only accepts it takes either.
        SendProxy sendProxy = server.config().sendProxy();
        return switch (c.type()) {
            case TCP -> new TcpCheck(group, transport, server.checkAddress(), c.timeout()).withSendProxy(sendProxy);
            case MYSQL -> new MySqlCheck(
                            group, transport, server.checkAddress(), c.user(), c.password(), c.variant(), c.timeout())
                    .withGreetings(server.greetings())
                    .withSendProxy(sendProxy);
            case SQL -> new SqlCheck(sqlExecutor, server.checkAddress(), c, server.isBackup(), sendProxy);
        };
    }
}
