package io.understudy.admin.command;

import io.understudy.core.model.Backend;
import io.understudy.core.model.ControlPlane;
import io.understudy.core.model.Server;
import java.util.List;
import java.util.Optional;

/**
 * Finds what a command names, with HAProxy's rules and error texts ({@code cli_find_server}, {@code get_backend_server},
 * reference §2.4): {@code backend/server}, where either side may be a name or {@code #<id>} (a backend's id is its
 * position in the configuration, a server's its {@code sid}).
 */
final class ServerLookup {
    private ServerLookup() {}

    /**
     * The server {@code arg} names, or a refusal: {@link CliMessages#REQUIRE_BACKEND_SERVER} (no slash or an empty
     * side), {@link CliMessages#NO_SUCH_BACKEND}, {@link CliMessages#NO_SUCH_SERVER}, in that order.
     */
    static Server server(ControlPlane control, String arg) {
        int slash = arg.indexOf('/');
        String backendName = slash < 0 ? arg : arg.substring(0, slash);
        String serverName = slash < 0 ? "" : arg.substring(slash + 1);
        if (backendName.isEmpty() || serverName.isEmpty()) {
            throw new CliException(CliMessages.REQUIRE_BACKEND_SERVER);
        }
        Backend backend =
                backend(control, backendName).orElseThrow(() -> new CliException(CliMessages.NO_SUCH_BACKEND));
        return server(backend, serverName).orElseThrow(() -> new CliException(CliMessages.NO_SUCH_SERVER));
    }

    /** The backend named {@code name} or {@code #<id>}. */
    static Optional<Backend> backend(ControlPlane control, String name) {
        List<Backend> backends = control.backends();
        if (name.startsWith("#")) {
            long id = atoi(name.substring(1));
            return id >= 1 && id <= backends.size() ? Optional.of(backends.get((int) id - 1)) : Optional.empty();
        }
        return control.backend(name);
    }

    /** A backend's {@code be_id}/{@code iid}: its 1-based position in the configuration. */
    static int backendId(io.understudy.core.ProxyEngine engine, Backend backend) {
        return engine.proxyId(engine.control().backends().indexOf(backend));
    }

    private static Optional<Server> server(Backend backend, String name) {
        if (name.startsWith("#")) {
            long sid = atoi(name.substring(1));
            return backend.servers().stream()
                    .filter(s -> s.config().id() == sid)
                    .findFirst();
        }
        return backend.server(name);
    }

    /** C's {@code atoi}: optional sign and leading digits; anything else reads as 0. */
    static long atoi(String s) {
        int i = 0;
        boolean negative = false;
        if (i < s.length() && (s.charAt(i) == '-' || s.charAt(i) == '+')) {
            negative = s.charAt(i) == '-';
            i++;
        }
        long v = 0;
        while (i < s.length() && s.charAt(i) >= '0' && s.charAt(i) <= '9' && v < Integer.MAX_VALUE) {
            v = v * 10 + (s.charAt(i) - '0');
            i++;
        }
        return negative ? -v : v;
    }
}
