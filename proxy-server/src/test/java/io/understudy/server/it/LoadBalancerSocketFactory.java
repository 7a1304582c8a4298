package io.understudy.server.it;

import com.mysql.cj.conf.PropertySet;
import com.mysql.cj.protocol.StandardSocketFactory;
import java.io.Closeable;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * A mysql-connector-j socket that starts, as a load balancer in front would, with a PROXY v1 header claiming the client
 * is {@value #CLIENT}:{@value #CLIENT_PORT}: a real JDBC client of an {@code accept-proxy} frontend. Public with a
 * public constructor because the driver makes it from its class name ({@code socketFactory}).
 */
public final class LoadBalancerSocketFactory extends StandardSocketFactory {
    static final String CLIENT = "10.1.2.3";
    static final int CLIENT_PORT = 5555;

    @Override
    public <T extends Closeable> T connect(String host, int port, PropertySet props, int loginTimeout)
            throws IOException {
        T socket = super.connect(host, port, props, loginTimeout);
        String header = "PROXY TCP4 " + CLIENT + " 127.0.0.1 " + CLIENT_PORT + " " + port + "\r\n";
        rawSocket.getOutputStream().write(header.getBytes(StandardCharsets.US_ASCII));
        rawSocket.getOutputStream().flush();
        return socket;
    }
}
