package io.understudy.core.config;

import java.time.Duration;

/**
 * Where clients connect.
 *
 * @param name the frontend's name ({@code pxname} in {@code show stat})
 * @param bind the listening address
 * @param maxconn most concurrent client sessions; further connections wait in the kernel's accept queue
 * @param clientTimeout HAProxy's {@code timeout client}: the longest the client side may stay inactive
 */
public record FrontendConfig(String name, HostPort bind, int maxconn, Duration clientTimeout) {}
