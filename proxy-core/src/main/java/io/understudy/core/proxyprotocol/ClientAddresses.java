package io.understudy.core.proxyprotocol;

import io.netty.channel.Channel;
import io.netty.util.AttributeKey;
import java.net.SocketAddress;

/**
 * Who a client is and which address it connected to: the client channel's own addresses, or, on an {@code
 * accept-proxy} frontend, those of the PROXY protocol header the load balancer in front sent. Session logs, {@code show
 * sess} and the header sent to a {@code send-proxy} server all use these.
 *
 * @param source the client's address
 * @param destination the address the client connected to
 */
public record ClientAddresses(SocketAddress source, SocketAddress destination) {
    private static final AttributeKey<ClientAddresses> KEY = AttributeKey.valueOf(ClientAddresses.class, "proxied");

    /** The addresses of {@code client}: those a PROXY protocol header gave it, else the channel's own. */
    public static ClientAddresses of(Channel client) {
        ClientAddresses proxied = client.attr(KEY).get();
        return proxied != null ? proxied : new ClientAddresses(client.remoteAddress(), client.localAddress());
    }

    /** Records what the PROXY protocol header of {@code client} said; the client channel's event loop only. */
    public static void proxied(Channel client, ClientAddresses addresses) {
        client.attr(KEY).set(addresses);
    }
}
