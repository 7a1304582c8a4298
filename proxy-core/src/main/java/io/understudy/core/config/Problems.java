package io.understudy.core.config;

import com.typesafe.config.ConfigList;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigOrigin;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueFactory;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Collects every problem of one configuration, phrasing the bad value and where it was written. Identical problems
 * are kept once: a bad {@code defaults} value is met again by every listen section that inherits it.
 */
final class Problems {
    /** What a secret is shown as: the operator needs the key and the line to fix it, never the value. */
    static final String HIDDEN = "<hidden>";

    /** Long values (a whole mistyped section) are cut so that each problem stays one readable line. */
    private static final int MAX_VALUE_CHARS = 80;

    private static final Pattern LINE_SUFFIX = Pattern.compile(": \\d+(-\\d+)?$");

    private static final Pattern FILE_LINE = Pattern.compile("(.*):(\\d{1,9})");

    /** Parts of key names that hold secrets ({@code password}, {@code passwd}, {@code pwd}, {@code secret}). */
    private static final List<String> SECRET_WORDS = List.of("pass", "pwd", "secret");

    private final String source;
    private final Map<String, ConfigOrigin> substitutionSites;
    private final Set<ConfigProblem> problems = new LinkedHashSet<>();

    /**
     * @param source the file (or source name) the config came from, the origin of last resort
     * @param substitutionSites where each {@code ${...}} was written, by key path: a value taken from the environment
     *     carries no line of its own, and the operator needs the line that asked for it
     */
    Problems(String source, Map<String, ConfigOrigin> substitutionSites) {
        this.source = source;
        this.substitutionSites = Map.copyOf(substitutionSites);
    }

    String source() {
        return source;
    }

    /** Reports {@code value} at {@code key} as not being what was expected; a secret's value is hidden. */
    void add(String key, ConfigValue value, String expected) {
        String shown = isSecret(lastKey(key)) ? HIDDEN : text(value);
        problems.add(new ConfigProblem(key, shown, expected, origin(key, value.origin())));
    }

    /** {@link #add} without the value, for settings that may hold a secret under a name we cannot guess. */
    void addHidden(String key, ConfigValue value, String expected) {
        problems.add(new ConfigProblem(key, HIDDEN, expected, origin(key, value.origin())));
    }

    /** Reports a required setting that is absent; {@code where} is the section that should have held it. */
    void missing(String key, ConfigOrigin where, String expected) {
        problems.add(new ConfigProblem(key, "", expected, origin(null, where)));
    }

    void add(ConfigProblem problem) {
        problems.add(problem);
    }

    boolean isEmpty() {
        return problems.isEmpty();
    }

    /** The problems in file order (files in order of first mention), so the list reads like the file. */
    List<ConfigProblem> list() {
        Map<String, Integer> fileRank = new HashMap<>();
        problems.forEach(p -> fileRank.putIfAbsent(file(p.origin()), fileRank.size()));
        List<ConfigProblem> sorted = new ArrayList<>(problems);
        sorted.sort(Comparator.comparingInt((ConfigProblem p) -> fileRank.get(file(p.origin())))
                .thenComparingInt(p -> line(p.origin())));
        return List.copyOf(sorted);
    }

    private static String file(String origin) {
        Matcher m = FILE_LINE.matcher(origin);
        return m.matches() ? m.group(1) : origin;
    }

    private static int line(String origin) {
        Matcher m = FILE_LINE.matcher(origin);
        return m.matches() ? Integer.parseInt(m.group(2)) : 0;
    }

    /** {@code file:line} for a value at {@code key}, falling back to its substitution site, then to the source. */
    String origin(String key, ConfigOrigin origin) {
        String located = format(origin);
        if (located == null && key != null && substitutionSites.containsKey(key)) {
            located = format(substitutionSites.get(key));
        }
        return located != null ? located : source;
    }

    /** {@code file:line}, or null when HOCON knows no line (merged sections, environment values). */
    static String format(ConfigOrigin origin) {
        if (origin == null || origin.lineNumber() < 0) {
            return null;
        }
        String name = origin.filename();
        if (name == null) {
            name = origin.resource();
        }
        if (name == null && origin.url() != null) {
            name = origin.url().toString();
        }
        if (name == null) {
            // parseString: the description is the source name plus ": <line>" (or ": <first>-<last>").
            name = LINE_SUFFIX.matcher(origin.description()).replaceFirst("");
        }
        return name + ":" + origin.lineNumber();
    }

    /**
     * The value as the operator wrote it: strings unquoted, numbers in their original text, sections as JSON with
     * secrets hidden (a mistyped {@code chekc { password = ... }} is shown whole), cut to one readable line.
     */
    static String text(ConfigValue value) {
        String text;
        try {
            text = switch (value.valueType()) {
                case STRING -> (String) value.unwrapped();
                case OBJECT, LIST -> redact(value).render(ConfigRenderOptions.concise());
                case NULL -> "null";
                default -> value.render();
            };
        } catch (com.typesafe.config.ConfigException.NotResolved e) {
            // Still a substitution (or a merge of one): show it as written, on one line. It cannot be walked to hide
            // just the secret, so a rendering that mentions one is hidden whole.
            text = value.render(ConfigRenderOptions.concise()).replaceAll("\\s+", " ");
            if (SECRET_WORDS.stream().anyMatch(text.toLowerCase(Locale.ROOT)::contains)) {
                text = HIDDEN;
            }
        }
        return text.length() <= MAX_VALUE_CHARS ? text : text.substring(0, MAX_VALUE_CHARS - 3) + "...";
    }

    /**
     * Whether a key's value must never be printed: {@code password} and its likely misspellings or synonyms, since
     * a typo'd key is reported as unknown together with its value.
     */
    static boolean isSecret(String key) {
        String k = key.toLowerCase(Locale.ROOT);
        return SECRET_WORDS.stream().anyMatch(k::contains)
                || ConfigKeys.closest(k, List.of("password")).isPresent();
    }

    /** The last segment of a key path ({@code password} of {@code listen.db.check.password}). */
    private static String lastKey(String path) {
        String last = path.substring(path.lastIndexOf('.') + 1);
        return last.replace("\"", "");
    }

    /** A copy of a resolved section with the value of every secret key replaced by {@link #HIDDEN}. */
    private static ConfigValue redact(ConfigValue value) {
        if (value instanceof ConfigObject object) {
            ConfigObject out = object;
            for (Map.Entry<String, ConfigValue> e : object.entrySet()) {
                ConfigValue v = isSecret(e.getKey()) ? ConfigValueFactory.fromAnyRef(HIDDEN) : redact(e.getValue());
                out = out.withValue(e.getKey(), v);
            }
            return out;
        }
        if (value instanceof ConfigList list) {
            return ConfigValueFactory.fromIterable(
                    list.stream().map(Problems::redact).toList());
        }
        return value;
    }
}
