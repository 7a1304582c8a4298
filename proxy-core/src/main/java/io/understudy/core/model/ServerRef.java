package io.understudy.core.model;

import io.understudy.core.config.Atoi;
import java.util.List;
import java.util.Optional;

/**
 * A server named {@code backend/server}, as operators type it, HAProxy's way ({@code get_backend_server}): either side
 * may be a name or {@code #<id>}, where a backend's id is its 1-based position in the configuration and a server's its
 * {@code sid}. The one parser of these names (admin socket, state file, peers).
 *
 * @param backend the backend part, a name or {@code #id}
 * @param server the server part, a name or {@code #id}
 */
public record ServerRef(String backend, String server) {
    /** Splits at the first {@code /}; empty when there is none or either side is empty. */
    public static Optional<ServerRef> parse(String text) {
        int slash = text.indexOf('/');
        if (slash <= 0 || slash == text.length() - 1) {
            return Optional.empty();
        }
        return Optional.of(new ServerRef(text.substring(0, slash), text.substring(slash + 1)));
    }

    /** The backend named {@code name} or {@code #<position>}. */
    public static Optional<Backend> findBackend(List<Backend> backends, String name) {
        if (name.startsWith("#")) {
            int id = Atoi.parse(name.substring(1));
            return id >= 1 && id <= backends.size() ? Optional.of(backends.get(id - 1)) : Optional.empty();
        }
        return backends.stream().filter(b -> b.name().equals(name)).findFirst();
    }

    /** The server named {@code name} or {@code #<sid>} in {@code backend}. */
    public static Optional<Server> findServer(Backend backend, String name) {
        if (name.startsWith("#")) {
            int sid = Atoi.parse(name.substring(1));
            return backend.servers().stream()
                    .filter(s -> s.config().id() == sid)
                    .findFirst();
        }
        return backend.server(name);
    }

    /** The server this names among {@code backends}. */
    public Optional<Server> find(List<Backend> backends) {
        return findBackend(backends, backend).flatMap(b -> findServer(b, server));
    }
}
