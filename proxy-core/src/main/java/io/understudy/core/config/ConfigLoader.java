package io.understudy.core.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigResolveOptions;
import com.typesafe.config.ConfigSyntax;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Reads a HOCON config file into a validated {@link ProxyConfig}: the file falls back to the built-in {@code
 * reference.conf}, {@code ${?ENV}} substitutions are resolved against the environment, every host is resolved once,
 * and every problem found is reported together in one {@link ConfigException}.
 */
public final class ConfigLoader {
    static final int MAX_IO_THREADS = 1024;
    static final String STATE_FILE = "a file path for the admin state (e.g. /var/lib/understudy/state)";

    private static final String REFERENCE = "reference.conf";
    /** Where reference.conf keeps the health-check parameter defaults. */
    private static final String CHECK_DEFAULTS = "defaults.check";

    private final Config environment;
    private final HostResolver resolver;

    private ConfigLoader(Config environment, HostResolver resolver) {
        this.environment = environment;
        this.resolver = resolver;
    }

    /** Loads {@code file} (includes allowed, relative to it) against the process environment and DNS. */
    public static ProxyConfig load(Path file) throws ConfigException {
        return load(file, ConfigFactory.systemEnvironment(), HostResolver.system());
    }

    /** Parses config text; {@code sourceName} stands for the file name in every problem's origin. */
    public static ProxyConfig parse(String hoconText, String sourceName) throws ConfigException {
        return parse(hoconText, sourceName, ConfigFactory.systemEnvironment(), HostResolver.system());
    }

    /** {@link #load(Path)} with the environment and the host resolver given, for tests. */
    static ProxyConfig load(Path file, Config environment, HostResolver resolver) throws ConfigException {
        String source = file.toString();
        ConfigParseOptions options = ConfigParseOptions.defaults().setAllowMissing(false);
        Config parsed;
        try {
            parsed = ConfigFactory.parseFile(file.toFile(), options);
        } catch (com.typesafe.config.ConfigException e) {
            throw hoconFailure(e, source);
        }
        return new ConfigLoader(environment, resolver).read(parsed, source);
    }

    /** {@link #parse(String, String)} with the environment and the host resolver given, for tests. */
    static ProxyConfig parse(String hoconText, String sourceName, Config environment, HostResolver resolver)
            throws ConfigException {
        ConfigParseOptions options =
                ConfigParseOptions.defaults().setOriginDescription(sourceName).setSyntax(ConfigSyntax.CONF);
        Config parsed;
        try {
            parsed = ConfigFactory.parseString(hoconText, options);
        } catch (com.typesafe.config.ConfigException e) {
            throw hoconFailure(e, sourceName);
        }
        return new ConfigLoader(environment, resolver).read(parsed, sourceName);
    }

    private ProxyConfig read(Config parsed, String source) throws ConfigException {
        Config resolved;
        Problems problems;
        ConfigObject checkDefaults;
        try {
            Config reference = ConfigFactory.parseResources(ConfigLoader.class.getClassLoader(), REFERENCE);
            // defaults.check is kept out of the merge: a check block in the resolved tree must mean the operator
            // wrote one, because that is what turns checking on (HAProxy's `check`). Its parameters are read as
            // the last fallback by CheckReader instead (so ${defaults.check.*} substitutions see only the file's).
            Config checkReference = reference.withOnlyPath(CHECK_DEFAULTS).resolve();
            checkDefaults = checkReference.hasPath(CHECK_DEFAULTS)
                    ? checkReference.getObject(CHECK_DEFAULTS)
                    : ConfigFactory.empty().root();
            Config merged = parsed.withFallback(reference.withoutPath(CHECK_DEFAULTS));
            problems = new Problems(source, Substitutions.sites(merged.root()));
            // The environment joins as the lowest fallback so that ${?ENV} finds it. (resolveWith(env) would keep
            // it out more simply, but HOCON cannot resolve `x = 3, x = ${?ENV}` against a separate source.)
            // Unresolved substitutions are left in place, to be reported all together below.
            ConfigResolveOptions lenient = ConfigResolveOptions.defaults()
                    .setUseSystemEnvironment(false)
                    .setAllowUnresolved(true);
            ConfigObject all = merged.withFallback(environment).resolve(lenient).root();
            // Keep only the config's own top-level keys: environment variables must never look like settings.
            ConfigObject own = ConfigFactory.empty().root();
            for (String key : merged.root().keySet()) {
                own = own.withValue(key, all.get(key));
            }
            resolved = own.toConfig();
        } catch (com.typesafe.config.ConfigException e) {
            throw hoconFailure(e, source);
        }
        Substitutions.reportUnresolved(resolved.root(), problems);
        if (!problems.isEmpty()) {
            // Reading on would meet the unresolved values again; the list of substitutions is the useful part.
            throw new ConfigException(problems.list());
        }
        try {
            return build(
                    parsed.root(), resolved.root(), new Section(checkDefaults, CHECK_DEFAULTS, problems), problems);
        } catch (com.typesafe.config.ConfigException e) {
            // Defensive: validation reads values one by one and should not let HOCON throw; if it does, say where.
            problems.add(hoconProblem(e, source));
            throw new ConfigException(problems.list());
        }
    }

    private ProxyConfig build(ConfigObject fileRoot, ConfigObject root, Section checkDefaults, Problems problems)
            throws ConfigException {
        Section top = new Section(root, "", problems);
        // Only the file's own top-level keys are checked: other libraries' reference.conf may add theirs.
        for (String key : top.keysInFileOrder()) {
            if (fileRoot.containsKey(key) && !ConfigKeys.TOP_LEVEL.contains(key)) {
                // Quoted as HOCON needs it, so an empty or dotted key is still shown: `""`, `"a.b"`.
                problems.add(
                        Section.child("", key),
                        root.get(key),
                        ConfigKeys.unknownKeyExpectation(key, ConfigKeys.TOP_LEVEL));
            }
        }
        Optional<GlobalConfig> global = global(top, new LogReader(problems, new Addresses(resolver)));
        boolean followsDns = global.map(GlobalConfig::followsDns).orElse(false);
        List<ListenConfig> listens = new ListenReader(
                        problems, new Addresses(resolver, followsDns), new CheckReader(problems, checkDefaults))
                .read(top.section("defaults"), top.section("listen"));
        Optional<AdminConfig> admin = new AdminReader(problems).read(top.section("admin"));
        Optional<MetricsConfig> metrics = new MetricsReader(new Addresses(resolver)).read(top.section("metrics"));
        Optional<PeersConfig> peers = new PeersReader(new Addresses(resolver)).read(top.section("peers"));
        if (!problems.isEmpty() || global.isEmpty() || admin.isEmpty()) {
            throw new ConfigException(problems.list());
        }
        return new ProxyConfig(global.get(), listens, admin.get(), problems.source(), metrics, peers);
    }

    private static Optional<GlobalConfig> global(Section top, LogReader logs) {
        Optional<Section> section = top.section("global");
        if (section.isEmpty()) {
            if (!top.has("global")) {
                top.missing("global", Section.OBJECT);
            }
            return Optional.empty();
        }
        Section g = section.get();
        g.checkKnownKeys(ConfigKeys.GLOBAL);
        Optional<Duration> hardStopAfter =
                required(g, "hard-stop-after", Section.DURATION, g.duration("hard-stop-after"));
        Optional<Integer> ioThreads = required(
                g,
                "io-threads",
                Section.integerExpectation(0, MAX_IO_THREADS),
                g.integer("io-threads", 0, MAX_IO_THREADS));
        Optional<Path> stateFile =
                g.has("state-file") ? g.string("state-file").flatMap(f -> statePath(g, f)) : Optional.empty();
        Optional<LogFormat> logFormat = logs.format(g);
        Optional<List<LogTarget>> logTargets = logs.targets(g);
        Optional<Duration> resolveInterval = required(
                        g, "resolve-interval", RESOLVE_INTERVAL, g.durationOrZero("resolve-interval"))
                .filter(d -> d.isZero() || d.compareTo(MIN_RESOLVE_INTERVAL) >= 0 || tooShort(g));
        if (hardStopAfter.isEmpty()
                || ioThreads.isEmpty()
                || (g.has("state-file") && stateFile.isEmpty())
                || logFormat.isEmpty()
                || logTargets.isEmpty()
                || resolveInterval.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new GlobalConfig(
                hardStopAfter.get(),
                ioThreads.get(),
                stateFile,
                logFormat.get(),
                logTargets.get(),
                resolveInterval.get()));
    }

    static final String RESOLVE_INTERVAL =
            "0 (resolve host names once, at start) or a duration of at least 100ms such as 10s";
    private static final Duration MIN_RESOLVE_INTERVAL = Duration.ofMillis(100);

    private static boolean tooShort(Section g) {
        g.report("resolve-interval", g.value("resolve-interval"), RESOLVE_INTERVAL);
        return false;
    }

    private static Optional<Path> statePath(Section g, String text) {
        try {
            Path p = Path.of(text);
            if (text.isBlank() || p.getFileName() == null) {
                return g.report("state-file", g.value("state-file"), STATE_FILE);
            }
            return Optional.of(p);
        } catch (java.nio.file.InvalidPathException e) {
            return g.report("state-file", g.value("state-file"), STATE_FILE);
        }
    }

    /** {@code value}, reporting the key as missing when absent (only possible if reference.conf lost it). */
    private static <T> Optional<T> required(Section s, String key, String expected, Optional<T> value) {
        if (!s.has(key)) {
            s.missing(key, expected);
        }
        return value;
    }

    /** A file that cannot be read or parsed: HOCON's own message, located at its {@code file:line}. */
    private static ConfigException hoconFailure(com.typesafe.config.ConfigException e, String source) {
        return new ConfigException(List.of(hoconProblem(e, source)));
    }

    private static ConfigProblem hoconProblem(com.typesafe.config.ConfigException e, String source) {
        String located = Problems.format(e.origin());
        String origin = located != null ? located : source;
        String message = e.getMessage();
        // HOCON prefixes its message with the origin's description, which the problem already carries.
        if (e.origin() != null && message.startsWith(e.origin().description() + ": ")) {
            message = message.substring(e.origin().description().length() + 2);
        }
        if (e instanceof com.typesafe.config.ConfigException.IO) {
            return new ConfigProblem("(file)", message, "a readable config file", origin);
        }
        if (e instanceof com.typesafe.config.ConfigException.Parse) {
            return new ConfigProblem("(syntax)", message, "valid HOCON syntax", origin);
        }
        return new ConfigProblem("(config)", message, "a config HOCON can resolve", origin);
    }
}
