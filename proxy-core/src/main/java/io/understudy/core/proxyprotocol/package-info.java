/**
 * The PROXY protocol (HAProxy's v1 text and v2 binary headers, encoded and decoded by Netty's
 * {@code netty-codec-haproxy}): {@link io.understudy.core.proxyprotocol.ClientAddresses}, who a client is once an
 * {@code accept-proxy} frontend has read the header its load balancer sent, and
 * {@link io.understudy.core.proxyprotocol.ProxyHeaders}, the header a {@code send-proxy} server's connections and
 * checks start with.
 */
package io.understudy.core.proxyprotocol;
