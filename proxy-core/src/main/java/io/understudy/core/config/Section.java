package io.understudy.core.config;

import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigList;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigOrigin;
import com.typesafe.config.ConfigUtil;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * One HOCON object being validated, together with its full key path, so that every problem found while reading it
 * names the exact setting. Each getter returns empty (after reporting a problem) when the value does not fit; a
 * missing optional setting is empty without a problem.
 */
final class Section {
    static final String DURATION = "a positive duration such as 100ms, 10s, 1m or 8h";
    static final String DURATION_OR_ZERO = "0 or a positive duration such as 100ms, 2s or 1m";
    static final String AUTO_OR_DURATION = "auto, or a duration of at least 1ms such as 300ms or 2s";
    static final String BOOLEAN = "true or false";
    static final String STRING = "a string";
    static final String OBJECT = "an object { ... }";

    private static final Pattern INTEGER = Pattern.compile("[-+]?\\d{1,18}");
    /** HOCON's own getBoolean accepts these words too; keeping them means an env var can say "yes". */
    private static final Set<String> TRUE_WORDS = Set.of("true", "yes", "on");

    private static final Set<String> FALSE_WORDS = Set.of("false", "no", "off");

    private final ConfigObject object;
    private final String path;
    private final Problems problems;

    Section(ConfigObject object, String path, Problems problems) {
        this.object = object;
        this.path = path;
        this.problems = problems;
    }

    /** {@code parent.key}, quoting the key as HOCON would need it (e.g. {@code listen."db.main"}). */
    static String child(String parent, String key) {
        String k = ConfigUtil.joinPath(key);
        return parent.isEmpty() ? k : parent + "." + k;
    }

    String path() {
        return path;
    }

    String keyPath(String key) {
        return child(path, key);
    }

    ConfigOrigin origin() {
        return object.origin();
    }

    Problems problems() {
        return problems;
    }

    boolean has(String key) {
        return object.containsKey(key);
    }

    ConfigValue value(String key) {
        return object.get(key);
    }

    /**
     * The keys in the order they were written. HOCON objects are unordered maps, but listen sections must keep file
     * order and problems read best top to bottom.
     */
    List<String> keysInFileOrder() {
        List<String> keys = new ArrayList<>(object.keySet());
        keys.sort(
                Comparator.comparingInt((String k) -> firstLine(object.get(k))).thenComparing(k -> k));
        return keys;
    }

    /** Reports every key not in {@code known}, suggesting the closest known one. */
    void checkKnownKeys(List<String> known) {
        checkKnownKeys(known, false);
    }

    /**
     * {@link #checkKnownKeys(List)}, optionally without printing the unknown keys' values: in a section that holds a
     * password, a misspelt key may well be the password under a name no rule recognises.
     */
    void checkKnownKeys(List<String> known, boolean hideValues) {
        for (String key : keysInFileOrder()) {
            if (!known.contains(key)) {
                String expected = ConfigKeys.unknownKeyExpectation(key, known);
                if (hideValues) {
                    problems.addHidden(keyPath(key), object.get(key), expected);
                } else {
                    problems.add(keyPath(key), object.get(key), expected);
                }
            }
        }
    }

    /** Reports {@code key} as missing from this section. */
    void missing(String key, String expected) {
        problems.missing(keyPath(key), object.origin(), expected);
    }

    /** The nested section at {@code key}; a value that is not an object is a problem. */
    Optional<Section> section(String key) {
        if (!has(key)) {
            return Optional.empty();
        }
        ConfigValue v = value(key);
        if (v.valueType() != ConfigValueType.OBJECT) {
            problems.add(keyPath(key), v, OBJECT);
            return Optional.empty();
        }
        return Optional.of(new Section((ConfigObject) v, keyPath(key), problems));
    }

    /** The list at {@code key}; a value that is not a list is a problem phrased with {@code expected}. */
    Optional<ConfigList> list(String key, String expected) {
        if (!has(key)) {
            return Optional.empty();
        }
        ConfigValue v = value(key);
        if (v.valueType() != ConfigValueType.LIST) {
            problems.add(keyPath(key), v, expected);
            return Optional.empty();
        }
        return Optional.of((ConfigList) v);
    }

    /** A scalar as text (HOCON lets numbers and booleans stand for strings); empty strings are a problem. */
    Optional<String> string(String key) {
        if (!has(key)) {
            return Optional.empty();
        }
        ConfigValue v = value(key);
        return switch (v.valueType()) {
            case STRING, NUMBER, BOOLEAN -> {
                // Not Problems.text: that shortens long values for messages, and a query must be kept whole.
                String s = v.valueType() == ConfigValueType.STRING ? (String) v.unwrapped() : v.render();
                if (s.isBlank()) {
                    problems.add(keyPath(key), v, "a non-empty string");
                    yield Optional.empty();
                }
                yield Optional.of(s);
            }
            default -> report(key, v, STRING);
        };
    }

    /** A whole number in {@code min..max}; fractions, words and out-of-range numbers are problems. */
    Optional<Integer> integer(String key, int min, int max) {
        if (!has(key)) {
            return Optional.empty();
        }
        ConfigValue v = value(key);
        Optional<Long> n = wholeNumber(v);
        if (n.isEmpty() || n.get() < min || n.get() > max) {
            return report(key, v, integerExpectation(min, max));
        }
        return Optional.of(n.get().intValue());
    }

    /** A boolean (or one of HOCON's boolean words: yes/no/on/off). */
    Optional<Boolean> bool(String key) {
        if (!has(key)) {
            return Optional.empty();
        }
        ConfigValue v = value(key);
        Optional<Boolean> b = booleanValue(v);
        return b.isPresent() ? b : report(key, v, BOOLEAN);
    }

    /** A positive duration in HOCON's format; a bare number means milliseconds, as in HAProxy. */
    Optional<Duration> duration(String key) {
        if (!has(key)) {
            return Optional.empty();
        }
        ConfigValue v = value(key);
        try {
            Duration d = ConfigFactory.empty().withValue("v", v).getDuration("v");
            if (d.isNegative() || d.isZero()) {
                return report(key, v, DURATION);
            }
            return Optional.of(d);
        } catch (com.typesafe.config.ConfigException e) {
            // HOCON's message names our scratch key "v"; the operator needs the real key, which the problem carries.
            return report(key, v, DURATION);
        }
    }

    /** A duration that may be zero ({@code 0} turns the behaviour off), in HOCON's format. */
    Optional<Duration> durationOrZero(String key) {
        if (!has(key)) {
            return Optional.empty();
        }
        ConfigValue v = value(key);
        if (Section.wholeNumber(v).filter(n -> n == 0).isPresent()) {
            return Optional.of(Duration.ZERO);
        }
        try {
            Duration d = ConfigFactory.empty().withValue("v", v).getDuration("v");
            return d.isNegative() ? report(key, v, DURATION_OR_ZERO) : Optional.of(d);
        } catch (com.typesafe.config.ConfigException e) {
            return report(key, v, DURATION_OR_ZERO);
        }
    }

    /** {@code auto} (empty inside the result) or a positive duration. */
    Optional<Optional<Duration>> autoOrDuration(String key) {
        if (!has(key)) {
            return Optional.empty();
        }
        ConfigValue v = value(key);
        if (v.valueType() == ConfigValueType.STRING && "auto".equals(v.unwrapped())) {
            return Optional.of(Optional.empty());
        }
        try {
            Duration d = ConfigFactory.empty().withValue("v", v).getDuration("v");
            return d.toMillis() < 1 ? report(key, v, AUTO_OR_DURATION) : Optional.of(Optional.of(d));
        } catch (com.typesafe.config.ConfigException e) {
            return report(key, v, AUTO_OR_DURATION);
        }
    }

    /** One of a fixed set of lower-case keywords, e.g. {@code balance = roundrobin}. */
    <E> Optional<E> keyword(String key, Map<String, E> choices) {
        if (!has(key)) {
            return Optional.empty();
        }
        ConfigValue v = value(key);
        E e = v.valueType() == ConfigValueType.STRING ? choices.get((String) v.unwrapped()) : null;
        return e != null ? Optional.of(e) : report(key, v, "one of " + String.join(", ", choices.keySet()));
    }

    /** The choices of a {@link #keyword} setting, kept in the order they are listed in its problem. */
    @SafeVarargs
    static <E> Map<String, E> choices(Map.Entry<String, E>... entries) {
        Map<String, E> m = new LinkedHashMap<>();
        for (Map.Entry<String, E> e : entries) {
            m.put(e.getKey(), e.getValue());
        }
        return Collections.unmodifiableMap(m);
    }

    /** Reports a problem at {@code key} and returns empty, so getters can {@code return report(...)}. */
    <T> Optional<T> report(String key, ConfigValue v, String expected) {
        problems.add(keyPath(key), v, expected);
        return Optional.empty();
    }

    static String integerExpectation(int min, int max) {
        return max == Integer.MAX_VALUE ? "an integer >= " + min : "an integer from " + min + " to " + max;
    }

    /** A whole number from a number or a numeric string (values from environment variables are strings). */
    static Optional<Long> wholeNumber(ConfigValue v) {
        if (v.valueType() == ConfigValueType.NUMBER) {
            Number n = (Number) v.unwrapped();
            double d = n.doubleValue();
            if (n instanceof Integer || n instanceof Long) {
                return Optional.of(n.longValue());
            }
            return d == Math.rint(d) && Math.abs(d) < 1e15 ? Optional.of((long) d) : Optional.empty();
        }
        if (v.valueType() == ConfigValueType.STRING) {
            String s = ((String) v.unwrapped()).trim();
            return INTEGER.matcher(s).matches() ? Optional.of(Long.parseLong(s)) : Optional.empty();
        }
        return Optional.empty();
    }

    static Optional<Boolean> booleanValue(ConfigValue v) {
        if (v.valueType() == ConfigValueType.BOOLEAN) {
            return Optional.of((Boolean) v.unwrapped());
        }
        if (v.valueType() == ConfigValueType.STRING) {
            String s = ((String) v.unwrapped()).trim().toLowerCase(Locale.ROOT);
            if (TRUE_WORDS.contains(s)) {
                return Optional.of(true);
            }
            if (FALSE_WORDS.contains(s)) {
                return Optional.of(false);
            }
        }
        return Optional.empty();
    }

    /** The first line a value was written on; merged sections have no line of their own, so use their earliest key. */
    private static int firstLine(ConfigValue v) {
        if (v.origin().lineNumber() >= 0) {
            return v.origin().lineNumber();
        }
        if (v instanceof ConfigObject o) {
            return o.values().stream().mapToInt(Section::firstLine).min().orElse(Integer.MAX_VALUE);
        }
        return Integer.MAX_VALUE;
    }
}
