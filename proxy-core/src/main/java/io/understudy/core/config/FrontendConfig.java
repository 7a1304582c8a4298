package io.understudy.core.config;

import java.time.Duration;

/**
 * Where clients connect.
 *
 * @param name the frontend's name ({@code pxname} in {@code show stat})
 * @param bind the listening address
 * @param maxconn most concurrent client sessions; further connections wait in the kernel's accept queue
 * @param clientTimeout HAProxy's {@code timeout client}: the longest the client side may stay inactive
 * @param acceptProxy HAProxy's {@code accept-proxy}: every connection starts with a PROXY protocol header (v1 or v2)
 *     from the load balancer in front, and the client is the address it carries
 */
public record FrontendConfig(String name, HostPort bind, int maxconn, Duration clientTimeout, boolean acceptProxy) {
    /** A frontend whose clients connect directly. */
    public FrontendConfig(String name, HostPort bind, int maxconn, Duration clientTimeout) {
        this(name, bind, maxconn, clientTimeout, false);
    }
}
