package io.understudy.checks;

import io.understudy.core.model.Server;

/** Makes the {@link Check} for a server from its check settings ({@code server.config().check()}). */
@FunctionalInterface
public interface CheckFactory {
    Check create(Server server);
}
