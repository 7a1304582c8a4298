package io.understudy.core.config;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * Turns a host name from the config into an address. It exists so that tests can load configs naming hosts that do
 * not resolve on the test machine (such as the shipped example's {@code primary.example.com}).
 */
@FunctionalInterface
interface HostResolver {
    /** Resolves {@code host} (a name or an IP literal, without brackets). */
    InetAddress resolve(String host) throws UnknownHostException;

    /** The JVM's resolver: /etc/hosts and DNS, with the JVM's caching. */
    static HostResolver system() {
        return InetAddress::getByName;
    }
}
