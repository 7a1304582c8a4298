package io.understudy.core.config;

import java.nio.file.Path;
import java.util.Optional;

/**
 * One admin Unix socket.
 *
 * @param path the socket file
 * @param mode octal permission bits as written (e.g. {@code "600"})
 * @param user owner to set, if any
 * @param group group to set, if any
 * @param level the most a connection on this socket may do
 * @param exposeFdListeners HAProxy's {@code expose-fd listeners}: an admin connection on this socket may take the
 *     listening sockets ({@code _getsocks}), as a new version taking over does ({@code understudy -x})
 */
public record AdminSocketConfig(
        Path path, String mode, Optional<String> user, Optional<String> group, Level level, boolean exposeFdListeners) {
    /** A socket that does not hand its listeners over. */
    public AdminSocketConfig(Path path, String mode, Optional<String> user, Optional<String> group, Level level) {
        this(path, mode, user, group, level, false);
    }

    /** HAProxy's CLI levels, weakest first. */
    public enum Level {
        USER,
        OPERATOR,
        ADMIN;

        public String keyword() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }
}
