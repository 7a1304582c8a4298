package io.understudy.checks.sql;

import com.mysql.cj.conf.PropertySet;
import com.mysql.cj.protocol.StandardSocketFactory;
import io.understudy.core.config.SendProxy;
import io.understudy.core.proxyprotocol.ProxyHeaders;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;

/**
 * mysql-connector-j's plain socket, whose first bytes are a PROXY protocol header: how a {@code sql} check of a
 * {@code send-proxy} server sends the header HAProxy's checks send ({@link ProxyHeaders#forCheck}), before the driver
 * reads the server's greeting. The driver makes the factory itself from its class name (the {@code socketFactory}
 * property), hence one subclass per version.
 */
public abstract class ProxyHeaderSocketFactory extends StandardSocketFactory {
    private final SendProxy version;

    ProxyHeaderSocketFactory(SendProxy version) {
        this.version = version;
    }

    /** The {@code socketFactory} property value for {@code version}; empty for none. */
    static String className(SendProxy version) {
        return switch (version) {
            case NONE -> "";
            case V1 -> V1.class.getName();
            case V2 -> V2.class.getName();
        };
    }

    @Override
    public <T extends Closeable> T connect(String host, int port, PropertySet props, int loginTimeout)
            throws IOException {
        T socket = super.connect(host, port, props, loginTimeout);
        try {
            OutputStream out = rawSocket.getOutputStream();
            out.write(ProxyHeaders.bytes(ProxyHeaders.forCheck(
                    version, rawSocket.getLocalSocketAddress(), rawSocket.getRemoteSocketAddress())));
            out.flush();
        } catch (IOException | RuntimeException e) {
            // The driver never gets this socket when the header fails: close it here, or it leaks.
            socket.close();
            throw e;
        }
        return socket;
    }

    /** {@code send-proxy = v1}: {@code PROXY TCP4 <check's address> <server's address> ...}. */
    public static final class V1 extends ProxyHeaderSocketFactory {
        public V1() {
            super(SendProxy.V1);
        }
    }

    /** {@code send-proxy = v2}: the {@code LOCAL} command, as HAProxy's checks send it. */
    public static final class V2 extends ProxyHeaderSocketFactory {
        public V2() {
            super(SendProxy.V2);
        }
    }
}
