package io.understudy.core.resolvers;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;

/** Resolves a host name to its addresses, in the resolver's order; blocking, so never called on an event loop. */
@FunctionalInterface
public interface NameLookup {
    /** Every address of {@code host}, at least one; {@link UnknownHostException} when it has none. */
    List<InetAddress> lookup(String host) throws UnknownHostException;

    /**
     * The JVM's resolver ({@link InetAddress#getAllByName}): /etc/hosts (or {@code -Djdk.net.hosts.file}) and DNS, with
     * the JVM's cache ({@code networkaddress.cache.ttl}, which the launcher keeps within the interval).
     */
    static NameLookup system() {
        return host -> List.of(InetAddress.getAllByName(host));
    }
}
