package io.understudy.admin.command;

import io.understudy.core.ProxyEngine;
import io.understudy.core.model.Backend;
import io.understudy.core.model.ControlPlane;
import io.understudy.core.model.Server;
import io.understudy.core.model.ServerRef;
import java.util.Optional;

/**
 * Finds what a command names, with HAProxy's error texts in HAProxy's order ({@code cli_find_server}, reference §2.4);
 * the names themselves are read by the model's one parser, {@link ServerRef}.
 */
final class ServerLookup {
    private ServerLookup() {}

    /**
     * The server {@code arg} names, or a refusal: {@link CliMessages#REQUIRE_BACKEND_SERVER} (no slash or an empty
     * side), {@link CliMessages#NO_SUCH_BACKEND}, {@link CliMessages#NO_SUCH_SERVER}, in that order.
     */
    static Server server(ControlPlane control, String arg) {
        ServerRef ref = ServerRef.parse(arg).orElseThrow(() -> new CliException(CliMessages.REQUIRE_BACKEND_SERVER));
        Backend backend =
                backend(control, ref.backend()).orElseThrow(() -> new CliException(CliMessages.NO_SUCH_BACKEND));
        return ServerRef.findServer(backend, ref.server())
                .orElseThrow(() -> new CliException(CliMessages.NO_SUCH_SERVER));
    }

    /** A {@code backend/server} argument whose backend exists (the server itself may not, yet or any more). */
    record InBackend(Backend backend, ServerRef ref) {}

    /**
     * {@code add server} and {@code del server}'s reading of {@code arg}: HAProxy's {@code Require 'backend/server'.}
     * and {@code No such backend.}, which these two print without a line end of their own.
     */
    static InBackend inBackend(ControlPlane control, String arg) {
        ServerRef ref =
                ServerRef.parse(arg).orElseThrow(() -> new CliException(CliMessages.REQUIRE_BACKEND_SERVER_BARE));
        Backend backend =
                backend(control, ref.backend()).orElseThrow(() -> new CliException(CliMessages.NO_SUCH_BACKEND_BARE));
        return new InBackend(backend, ref);
    }

    /** The backend named {@code name} or {@code #<id>}. */
    static Optional<Backend> backend(ControlPlane control, String name) {
        return ServerRef.findBackend(control.backends(), name);
    }

    /** A backend's {@code be_id}/{@code iid}. */
    /**
     * The optional {@code [<backend>]} of {@code show servers state|conn}: empty for every backend, the one named, or
     * HAProxy's {@code Can't find backend.}.
     */
    static Optional<Backend> onlyBackend(ControlPlane control, String name) {
        if (name.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(backend(control, name).orElseThrow(() -> new CliException(CliMessages.CANT_FIND_BACKEND)));
    }

    /** A server address's IP as HAProxy prints it, or the host name when it is unresolved. */
    static String ip(java.net.InetSocketAddress addr) {
        return addr.getAddress() != null ? addr.getAddress().getHostAddress() : addr.getHostString();
    }

    static int backendId(ProxyEngine engine, Backend backend) {
        return engine.proxyId(engine.control().backends().indexOf(backend));
    }
}
