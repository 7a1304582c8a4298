package io.understudy.core.config;

import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import io.understudy.core.config.CheckConfig.CheckType;
import io.understudy.core.config.CheckConfig.MySqlVariant;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiFunction;
import java.util.regex.Pattern;

/**
 * Reads the {@code check} settings of {@code defaults}, a listen section and a server into each server's effective
 * {@link CheckConfig}: every parameter comes from the nearest level that sets it (server, listen, defaults, then
 * {@code reference.conf}'s {@code defaults.check}).
 *
 * <p>Whether a server is checked is decided differently from the parameters, to keep HAProxy's rule that a server
 * is only checked when asked ({@code server ... check}): the nearest level whose config has a {@code check} decides
 * ({@code check = true|false}, or a block, which means checked unless it says {@code enabled = false}). The block in
 * {@code reference.conf} holds parameter defaults only, so on its own it checks nothing.
 */
final class CheckReader {
    static final String CHECK = "true, false, or an object check { type = mysql, user = ..., inter = 1s, ... }";
    static final String PASSWORD =
            "a quoted string (\"\" for no password; unquoted, HOCON reads 0123 as the number 123)";
    static final String SPREAD = "a fraction from 0 to 0.5 of the interval (e.g. 0.1)";
    static final int MAX_RISE_FALL = 1000;
    static final double MAX_SPREAD = 0.5;

    private static final Pattern DECIMAL = Pattern.compile("[+-]?(\\d{1,9}(\\.\\d{0,9})?|\\.\\d{1,9})");
    private static final Map<String, CheckType> TYPES = Section.choices(
            Map.entry("tcp", CheckType.TCP), Map.entry("mysql", CheckType.MYSQL), Map.entry("sql", CheckType.SQL));
    private static final Map<String, MySqlVariant> VARIANTS =
            Section.choices(Map.entry("post-41", MySqlVariant.POST_41), Map.entry("pre-41", MySqlVariant.PRE_41));
    private static final Map<String, Boolean> INITIAL =
            Section.choices(Map.entry("up", true), Map.entry("down", false));
    private static final Map<String, Boolean> OBSERVE =
            Section.choices(Map.entry("layer4", true), Map.entry("none", false));
    private static final Map<String, LiveErrors.OnError> ON_ERROR = Section.choices(
            Map.entry("fastinter", LiveErrors.OnError.FASTINTER),
            Map.entry("fail-check", LiveErrors.OnError.FAIL_CHECK),
            Map.entry("sudden-death", LiveErrors.OnError.SUDDEN_DEATH),
            Map.entry("mark-down", LiveErrors.OnError.MARK_DOWN));
    /** The settings a sql check alone uses: written where another type applies, they would be silently ignored. */
    private static final List<String> SQL_ONLY = List.of("query", "require-writable", "max-lag");

    /**
     * The {@code check} setting written at one level.
     *
     * @param present whether the level has a {@code check} key at all
     * @param enabled what the level says about checking (a block without {@code enabled} says yes); empty when
     *     absent or badly written (then already reported)
     * @param block the block's parameters, if the level wrote a block
     */
    record Level(boolean present, Optional<Boolean> enabled, Optional<Section> block) {
        static final Level NONE = new Level(false, Optional.empty(), Optional.empty());
    }

    private final Problems problems;
    private final Section reference;

    /**
     * @param reference {@code reference.conf}'s {@code defaults.check}: the value of every parameter nobody set
     */
    CheckReader(Problems problems, Section reference) {
        this.problems = problems;
        this.reference = reference;
    }

    /**
     * The {@code check} written in {@code owner} (defaults, listen or server), validated on its own so that a bad
     * value is reported at the key where it was written, even when every server overrides it.
     */
    Level level(Section owner) {
        if (!owner.has("check")) {
            return Level.NONE;
        }
        ConfigValue v = owner.value("check");
        if (v.valueType() != ConfigValueType.OBJECT) {
            Optional<Boolean> b = Section.booleanValue(v);
            return new Level(true, b.isPresent() ? b : owner.report("check", v, CHECK), Optional.empty());
        }
        Section block = new Section((ConfigObject) v, owner.keyPath("check"), problems);
        block.checkKnownKeys(ConfigKeys.CHECK, true);
        read(List.of(block), false);
        Optional<Boolean> enabled = block.has("enabled") ? block.bool("enabled") : Optional.of(true);
        return new Level(true, enabled, Optional.of(block));
    }

    /**
     * A server's effective check, from its levels nearest first (server, listen, defaults); empty when a value it
     * needs was badly written (and reported).
     */
    Optional<CheckConfig> effective(List<Level> levels) {
        List<Section> layers = new ArrayList<>();
        levels.forEach(l -> l.block().ifPresent(layers::add));
        layers.add(reference);
        Optional<Boolean> enabled = levels.stream()
                .filter(Level::present)
                .findFirst()
                .map(Level::enabled)
                .orElse(Optional.of(false));
        Optional<CheckConfig> read = read(layers, true);
        if (read.isEmpty()
                || enabled.isEmpty()
                || !sqlOnlyKeysFitType(layers, read.get().type())) {
            return Optional.empty();
        }
        CheckConfig c = read.get();
        // Keep sql-only gates out of the other types' config, so no scheduler can act on an inherited leftover.
        boolean sql = c.type() == CheckType.SQL;
        return Optional.of(new CheckConfig(
                enabled.get(),
                c.type(),
                c.user(),
                c.password(),
                c.variant(),
                c.inter(),
                c.fastinter(),
                c.downinter(),
                c.rise(),
                c.fall(),
                c.timeout(),
                c.spread(),
                c.initialUp(),
                c.query(),
                sql && c.requireWritable(),
                sql ? c.maxLag() : Optional.empty(),
                c.liveErrors()));
    }

    /**
     * Reads every parameter from the first of {@code layers} that sets it. With {@code complete}, a parameter no
     * layer sets is reported missing (only possible if reference.conf lost it); without, the result is only
     * meaningful for the problems it reported.
     */
    private Optional<CheckConfig> read(List<Section> layers, boolean complete) {
        Values v = new Values();
        CheckType type = v.take(value(layers, complete, "type", (s, k) -> s.keyword(k, TYPES)), CheckType.MYSQL);
        String user = v.take(value(layers, complete, "user", Section::string), "");
        String password = v.take(value(layers, complete, "password", CheckReader::password), "");
        MySqlVariant variant =
                v.take(value(layers, complete, "variant", (s, k) -> s.keyword(k, VARIANTS)), MySqlVariant.POST_41);
        Duration inter = v.take(value(layers, complete, "inter", Section::duration), Duration.ZERO);
        Duration fastinter = v.take(value(layers, complete, "fastinter", Section::duration), Duration.ZERO);
        Duration downinter = v.take(value(layers, complete, "downinter", Section::duration), Duration.ZERO);
        int rise = v.take(value(layers, complete, "rise", CheckReader::riseOrFall), 0);
        int fall = v.take(value(layers, complete, "fall", CheckReader::riseOrFall), 0);
        Duration timeout = v.take(value(layers, complete, "timeout", Section::duration), Duration.ZERO);
        double spread = v.take(value(layers, complete, "spread", CheckReader::spread), 0.0);
        boolean initialUp = v.take(value(layers, complete, "initial", (s, k) -> s.keyword(k, INITIAL)), true);
        String query = v.take(value(layers, complete, "query", Section::string), "");
        boolean requireWritable = v.take(value(layers, complete, "require-writable", Section::bool), false);
        // max-lag has no default: absent everywhere means "no lag limit", not a problem.
        Optional<Duration> maxLag = Optional.empty();
        Section lagLayer = first(layers, "max-lag");
        if (lagLayer != null) {
            maxLag = Optional.of(v.take(lagLayer.duration("max-lag"), Duration.ZERO));
        }
        boolean observe = v.take(value(layers, complete, "observe", (s, k) -> s.keyword(k, OBSERVE)), true);
        int errorLimit = v.take(value(layers, complete, "error-limit", (s, k) -> s.integer(k, 1, MAX_RISE_FALL)), 1);
        LiveErrors.OnError onError = v.take(
                value(layers, complete, "on-error", (s, k) -> s.keyword(k, ON_ERROR)), LiveErrors.OnError.FAIL_CHECK);
        if (!v.complete) {
            return Optional.empty();
        }
        return Optional.of(new CheckConfig(
                false,
                type,
                user,
                password,
                variant,
                inter,
                fastinter,
                downinter,
                rise,
                fall,
                timeout,
                spread,
                initialUp,
                query,
                requireWritable,
                maxLag,
                new LiveErrors(observe, errorLimit, onError)));
    }

    /**
     * A sql-only setting written in the config where the effective type is not sql is reported: the operator meant
     * it to gate traffic, and it would silently do nothing. It is only an error when written at the level that chose
     * the type, or nearer; a level that changes the type may leave an outer level's sql settings behind unused.
     */
    private boolean sqlOnlyKeysFitType(List<Section> layers, CheckType type) {
        if (type == CheckType.SQL) {
            return true;
        }
        Section typeLayer = first(layers, "type");
        String typeText = type.name().toLowerCase(Locale.ROOT);
        boolean fits = true;
        for (String key : SQL_ONLY) {
            Section keyLayer = first(layers, key);
            if (keyLayer == null
                    || keyLayer == reference
                    || layers.indexOf(keyLayer) > layers.indexOf(typeLayer)
                    || (key.equals("require-writable") && !keyLayer.bool(key).orElse(false))) {
                continue;
            }
            String typeSource = typeLayer == reference ? ", the default" : " at " + typeLayer.keyPath("type");
            keyLayer.report(
                    key, keyLayer.value(key), "type = sql for " + key + " (type = " + typeText + typeSource + ")");
            fits = false;
        }
        return fits;
    }

    /** Reads {@code key} from the first layer that has it, or reports it missing at the last when asked to. */
    private static <T> Optional<T> value(
            List<Section> layers, boolean complete, String key, BiFunction<Section, String, Optional<T>> reader) {
        return ListenReader.inherited(layers, complete, key, reader);
    }

    private static Section first(List<Section> layers, String key) {
        return layers.stream().filter(l -> l.has(key)).findFirst().orElse(null);
    }

    /**
     * A password may be empty (no password) and is never printed: Problems hides any value at a password key. It must
     * be a string: HOCON reads an unquoted {@code 0123} as the number 123, and checks would fail with a password
     * nobody wrote.
     */
    private static Optional<String> password(Section s, String key) {
        ConfigValue v = s.value(key);
        return v.valueType() == ConfigValueType.STRING
                ? Optional.of((String) v.unwrapped())
                : s.report(key, v, PASSWORD);
    }

    private static Optional<Integer> riseOrFall(Section s, String key) {
        return s.integer(key, 1, MAX_RISE_FALL);
    }

    /**
     * A fraction 0..0.5: enough to keep checks of many servers apart, while an interval never grows past 1.5 times
     * its setting, so the time to mark a server down stays predictable.
     */
    private static Optional<Double> spread(Section s, String key) {
        ConfigValue v = s.value(key);
        Double d = null;
        if (v.valueType() == ConfigValueType.NUMBER) {
            d = ((Number) v.unwrapped()).doubleValue();
        } else if (v.valueType() == ConfigValueType.STRING
                && DECIMAL.matcher((String) v.unwrapped()).matches()) {
            d = Double.parseDouble((String) v.unwrapped());
        }
        if (d == null || d < 0 || d > MAX_SPREAD) {
            return s.report(key, v, SPREAD);
        }
        return Optional.of(d);
    }

    /** Collects the values read for one check, remembering whether any was missing or bad. */
    private static final class Values {
        boolean complete = true;

        /** The value, or a placeholder (never used: the check is then discarded) when it could not be read. */
        <T> T take(Optional<T> value, T placeholder) {
            complete &= value.isPresent();
            return value.orElse(placeholder);
        }
    }
}
