package io.understudy.core.config;

import java.util.List;

/** The admin side: Unix sockets speaking HAProxy's CLI protocol. */
public record AdminConfig(List<AdminSocketConfig> sockets) {
    public AdminConfig {
        sockets = List.copyOf(sockets);
    }
}
