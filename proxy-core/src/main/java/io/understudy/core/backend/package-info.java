/**
 * Backends: their immutable {@link io.understudy.core.model.BackendSnapshot} of usable servers, the balance
 * strategies that pick among them, and the {@link io.understudy.core.backend.BackendConnector} that connects with
 * retries and redispatch (the frontend sees it as a {@link io.understudy.core.backend.ServerConnector}).
 */
package io.understudy.core.backend;
