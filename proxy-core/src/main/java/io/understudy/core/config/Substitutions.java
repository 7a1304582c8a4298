package io.understudy.core.config;

import com.typesafe.config.ConfigException.NotResolved;
import com.typesafe.config.ConfigList;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigOrigin;
import com.typesafe.config.ConfigValue;
import java.util.HashMap;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * Finds the {@code ${...}} substitutions of a config tree. Before resolution it records where each was written, so a
 * bad value that came from an environment variable can still be blamed on a {@code file:line}; after a lenient
 * resolution it finds those that could not be resolved, so all of them are reported at once.
 */
final class Substitutions {
    static final String UNRESOLVED =
            "a setting or environment variable that exists (write ${?NAME} to make it optional)";

    private Substitutions() {}

    /** Key path to origin of every value of {@code root} that still contains a substitution. */
    static Map<String, ConfigOrigin> sites(ConfigObject root) {
        Map<String, ConfigOrigin> sites = new HashMap<>();
        walk(root, "", (path, v) -> sites.put(path, v.origin()));
        return sites;
    }

    /** Reports every value of a leniently resolved {@code root} that is still a substitution. */
    static void reportUnresolved(ConfigObject root, Problems problems) {
        walk(root, "", (path, v) -> problems.add(path, v, UNRESOLVED));
    }

    private static void walk(ConfigValue value, String path, BiConsumer<String, ConfigValue> unresolved) {
        try {
            switch (value.valueType()) {
                case OBJECT -> {
                    for (Map.Entry<String, ConfigValue> e : ((ConfigObject) value).entrySet()) {
                        walk(e.getValue(), Section.child(path, e.getKey()), unresolved);
                    }
                }
                case LIST -> {
                    ConfigList list = (ConfigList) value;
                    for (int i = 0; i < list.size(); i++) {
                        walk(list.get(i), path + "[" + i + "]", unresolved);
                    }
                }
                default -> {
                    // a resolved scalar
                }
            }
        } catch (NotResolved e) {
            unresolved.accept(path, value);
        }
    }
}
