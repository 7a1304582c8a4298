package io.understudy.core.config;

import com.typesafe.config.ConfigList;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/** Reads {@code admin.sockets}: the Unix sockets that speak HAProxy's CLI protocol. */
final class AdminReader {
    static final String SOCKETS = "a list of sockets [ { path = \"/run/understudy/admin.sock\", level = admin } ]";
    static final String SOCKET = "a socket { path = ..., mode = \"600\", level = ... }";
    static final String PATH = "a socket file path";
    static final String MODE = "octal permission bits, 3 or 4 digits 0-7 (e.g. \"600\")";
    /** Only the owner may connect unless the operator opens it up: the socket can disable servers. */
    static final String DEFAULT_MODE = "600";
    /** HAProxy's default level for a stats socket. */
    static final AdminSocketConfig.Level DEFAULT_LEVEL = AdminSocketConfig.Level.OPERATOR;

    private static final Pattern MODE_PATTERN = Pattern.compile("[0-7]{3,4}");
    private static final Map<String, AdminSocketConfig.Level> LEVELS = levels();

    private final Problems problems;

    AdminReader(Problems problems) {
        this.problems = problems;
    }

    /** The admin settings, or empty when something in them was reported. */
    Optional<AdminConfig> read(Optional<Section> admin) {
        if (admin.isEmpty()) {
            return Optional.of(new AdminConfig(List.of()));
        }
        Section a = admin.get();
        a.checkKnownKeys(ConfigKeys.ADMIN);
        if (!a.has("sockets")) {
            return Optional.of(new AdminConfig(List.of()));
        }
        Optional<ConfigList> list = a.list("sockets", SOCKETS);
        if (list.isEmpty()) {
            return Optional.empty();
        }
        List<AdminSocketConfig> sockets = new ArrayList<>();
        Map<Path, String> paths = new HashMap<>();
        boolean complete = true;
        for (int i = 0; i < list.get().size(); i++) {
            String path = a.keyPath("sockets") + "[" + i + "]";
            ConfigValue v = list.get().get(i);
            if (v.valueType() != ConfigValueType.OBJECT) {
                problems.add(path, v, SOCKET);
                complete = false;
                continue;
            }
            Optional<AdminSocketConfig> socket = socket(new Section((ConfigObject) v, path, problems), paths);
            socket.ifPresent(sockets::add);
            complete &= socket.isPresent();
        }
        return complete ? Optional.of(new AdminConfig(sockets)) : Optional.empty();
    }

    private Optional<AdminSocketConfig> socket(Section s, Map<Path, String> paths) {
        s.checkKnownKeys(ConfigKeys.ADMIN_SOCKET);
        Optional<Path> path = Optional.empty();
        if (!s.has("path")) {
            s.missing("path", PATH);
        } else {
            path = s.string("path").flatMap(p -> toPath(s, p));
        }
        if (path.isPresent() && paths.containsKey(path.get())) {
            s.report("path", s.value("path"), "a path no other socket uses (" + paths.get(path.get()) + " uses it)");
            path = Optional.empty();
        }
        path.ifPresent(p -> paths.put(p, s.keyPath("path")));
        // A number is fine (mode = 600); HOCON drops a leading zero from an unquoted 0600, which means the same bits.
        Optional<String> mode =
                s.has("mode") ? s.string("mode").filter(m -> validMode(s, m)) : Optional.of(DEFAULT_MODE);
        Optional<String> user = s.string("user");
        Optional<String> group = s.string("group");
        Optional<AdminSocketConfig.Level> level =
                s.has("level") ? s.keyword("level", LEVELS) : Optional.of(DEFAULT_LEVEL);
        // HAProxy's expose-fd listeners (its only value): a new version may take the listening sockets over.
        Optional<Boolean> exposeFd =
                s.has("expose-fd") ? s.keyword("expose-fd", Map.of("listeners", true)) : Optional.of(false);
        boolean badOptional = (s.has("user") && user.isEmpty()) || (s.has("group") && group.isEmpty());
        if (path.isEmpty() || mode.isEmpty() || level.isEmpty() || exposeFd.isEmpty() || badOptional) {
            return Optional.empty();
        }
        if (exposeFd.get() && level.get() != AdminSocketConfig.Level.ADMIN) {
            s.report(
                    "expose-fd",
                    s.value("expose-fd"),
                    "a socket with level = admin (handing the listeners over is" + " an admin's act)");
            return Optional.empty();
        }
        return Optional.of(new AdminSocketConfig(path.get(), mode.get(), user, group, level.get(), exposeFd.get()));
    }

    private static Optional<Path> toPath(Section s, String text) {
        try {
            return Optional.of(Path.of(text));
        } catch (InvalidPathException e) {
            return s.report("path", s.value("path"), PATH);
        }
    }

    private static boolean validMode(Section s, String mode) {
        if (MODE_PATTERN.matcher(mode).matches()) {
            return true;
        }
        s.report("mode", s.value("mode"), MODE);
        return false;
    }

    private static Map<String, AdminSocketConfig.Level> levels() {
        Map<String, AdminSocketConfig.Level> m = new LinkedHashMap<>();
        Arrays.stream(AdminSocketConfig.Level.values()).forEach(l -> m.put(l.keyword(), l));
        return m;
    }
}
