package io.understudy.core.config;

import com.typesafe.config.ConfigList;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiFunction;
import java.util.regex.Pattern;

/**
 * Reads {@code defaults} and the {@code listen.<name>} sections into frontends and backends. As in HAProxy, a listen
 * section takes every setting it does not set from {@code defaults}; a problem is reported at the key where the bad
 * value was actually written. Health checks are read by {@link CheckReader}, the failover policy by {@link
 * FailoverReader}.
 */
final class ListenReader {
    static final String NAME = "letters, digits, _ . - only (no / or , which break backend/server addressing and CSV)";
    static final String NO_LISTEN = "at least one listen.<name> section (HAProxy's `listen <name>`)";
    static final String LISTEN = "an object listen.<name> { bind = ..., servers = [ ... ] }";
    static final String SERVERS = "a list of servers [ { name = ..., address = \"host:port\" } ]";
    static final String NO_SERVERS = "at least one server";
    static final String SERVER = "a server { name = ..., address = \"host:port\" }";
    static final String REDISPATCH = "true (redispatch on the last retry), false (never), or an integer:"
            + " P > 0 every P-th retry, N < 0 the |N|-th retry before the last";
    static final int MAX_RETRIES = 1000;
    static final String SEND_PROXY =
            "one of v1 (HAProxy's send-proxy), v2 (send-proxy-v2), none (no PROXY protocol header)";

    private static final Pattern NAME_PATTERN = Pattern.compile("[A-Za-z0-9_.-]+");
    private static final Map<String, Balance> BALANCES = keywords();
    private static final Map<String, SendProxy> SEND_PROXIES = Section.choices(
            Map.entry("v1", SendProxy.V1), Map.entry("v2", SendProxy.V2), Map.entry("none", SendProxy.NONE));

    /** The settings a listen section inherits from {@code defaults}. */
    private record Settings(
            int maxconn,
            Duration clientTimeout,
            Balance balance,
            boolean allBackups,
            int retries,
            int redispatch,
            Duration retryDelay,
            Duration connectTimeout,
            Duration serverTimeout,
            FailoverPolicy failover,
            Optional<Duration> queueTimeout,
            Optional<Duration> greetingTimeout,
            SendProxy sendProxy) {}

    private final Problems problems;
    private final Addresses addresses;
    private final CheckReader checks;

    ListenReader(Problems problems, Addresses addresses, CheckReader checks) {
        this.problems = problems;
        this.addresses = addresses;
        this.checks = checks;
    }

    /**
     * Reads all listen sections in file order. {@code defaults} is also checked on its own, so that a bad default is
     * reported even when every listen section overrides it.
     */
    List<ListenConfig> read(Optional<Section> defaults, Optional<Section> listenRoot) {
        defaults.ifPresent(d -> {
            d.checkKnownKeys(ConfigKeys.DEFAULTS);
            d.section("timeout").ifPresent(t -> t.checkKnownKeys(ConfigKeys.TIMEOUT));
            settings(List.of(d), true);
        });
        CheckReader.Level defaultsCheck = defaults.map(checks::level).orElse(CheckReader.Level.NONE);
        if (listenRoot.isEmpty() || listenRoot.get().keysInFileOrder().isEmpty()) {
            problems.add(new ConfigProblem(
                    "listen",
                    "",
                    NO_LISTEN,
                    listenRoot.map(l -> problems.origin(null, l.origin())).orElse(problems.source())));
            return List.of();
        }
        Section root = listenRoot.get();
        List<ListenConfig> listens = new ArrayList<>();
        Map<InetSocketAddress, String> binds = new LinkedHashMap<>();
        for (String name : root.keysInFileOrder()) {
            ConfigValue v = root.value(name);
            if (v.valueType() != ConfigValueType.OBJECT) {
                problems.add(root.keyPath(name), v, LISTEN);
                continue;
            }
            Section listen = new Section((ConfigObject) v, root.keyPath(name), problems);
            List<Section> layers = new ArrayList<>(List.of(listen));
            defaults.ifPresent(layers::add);
            // Without a usable defaults section (already reported) every unset key would be reported again.
            listen(name, listen, layers, defaults.isPresent(), binds, defaultsCheck)
                    .ifPresent(listens::add);
        }
        return listens;
    }

    private Optional<ListenConfig> listen(
            String name,
            Section listen,
            List<Section> layers,
            boolean reportMissing,
            Map<InetSocketAddress, String> binds,
            CheckReader.Level defaultsCheck) {
        if (!NAME_PATTERN.matcher(name).matches()) {
            problems.add(new ConfigProblem(listen.path(), name, NAME, problems.origin(null, listen.origin())));
        }
        listen.checkKnownKeys(ConfigKeys.LISTEN);
        listen.section("timeout").ifPresent(t -> t.checkKnownKeys(ConfigKeys.TIMEOUT));
        Optional<HostPort> bind = Optional.empty();
        if (!listen.has("bind")) {
            listen.missing("bind", Addresses.BIND_FORM);
        } else {
            bind = addresses.bind(listen, "bind").filter(b -> uniqueBind(listen, b, binds));
        }
        Optional<Boolean> acceptProxy = listen.has("accept-proxy") ? listen.bool("accept-proxy") : Optional.of(false);
        Optional<Settings> settings = settings(layers, reportMissing);
        // A server without its own send-proxy takes its listen section's (or defaults'), HAProxy's default-server.
        SendProxy sendProxy = settings.map(Settings::sendProxy).orElse(SendProxy.NONE);
        Optional<List<ServerConfig>> servers = servers(listen, List.of(checks.level(listen), defaultsCheck), sendProxy);
        if (bind.isEmpty() || servers.isEmpty() || settings.isEmpty() || acceptProxy.isEmpty()) {
            return Optional.empty();
        }
        Settings s = settings.get();
        return Optional.of(new ListenConfig(
                new FrontendConfig(name, bind.get(), s.maxconn(), s.clientTimeout(), acceptProxy.get()),
                new BackendConfig(
                        name,
                        s.balance(),
                        s.allBackups(),
                        s.retries(),
                        s.redispatch(),
                        s.retryDelay(),
                        s.connectTimeout(),
                        s.serverTimeout(),
                        servers.get(),
                        s.failover(),
                        s.queueTimeout().orElse(BackendConfig.defaultQueueTimeout(s.connectTimeout(), servers.get())),
                        s.greetingTimeout())));
    }

    /** Two listeners cannot share a port on overlapping addresses; a wildcard overlaps every address. */
    private boolean uniqueBind(Section listen, HostPort bind, Map<InetSocketAddress, String> binds) {
        InetSocketAddress a = bind.resolved();
        if (a.getPort() == 0) {
            return true; // each gets its own free port
        }
        for (Map.Entry<InetSocketAddress, String> other : binds.entrySet()) {
            InetSocketAddress b = other.getKey();
            boolean overlap = a.getAddress().equals(b.getAddress())
                    || a.getAddress().isAnyLocalAddress()
                    || b.getAddress().isAnyLocalAddress();
            if (a.getPort() == b.getPort() && overlap) {
                String taken = new HostPort(b.getHostString(), b.getPort(), b).toString();
                listen.report(
                        "bind",
                        listen.value("bind"),
                        "an address:port no other listen binds (" + other.getValue() + " binds " + taken + ")");
                return false;
            }
        }
        binds.put(a, listen.keyPath("bind"));
        return true;
    }

    /** The servers of a listen section; {@code backendChecks} are the listen's and defaults' check levels. */
    private Optional<List<ServerConfig>> servers(
            Section listen, List<CheckReader.Level> backendChecks, SendProxy backendSendProxy) {
        if (!listen.has("servers")) {
            listen.missing("servers", NO_SERVERS);
            return Optional.empty();
        }
        Optional<ConfigList> list = listen.list("servers", SERVERS);
        if (list.isEmpty()) {
            return Optional.empty();
        }
        if (list.get().isEmpty()) {
            return listen.report("servers", list.get(), NO_SERVERS);
        }
        List<ServerConfig> servers = new ArrayList<>();
        Map<String, String> names = new HashMap<>();
        boolean complete = true;
        for (int i = 0; i < list.get().size(); i++) {
            String path = listen.keyPath("servers") + "[" + i + "]";
            ConfigValue v = list.get().get(i);
            if (v.valueType() != ConfigValueType.OBJECT) {
                problems.add(path, v, SERVER);
                complete = false;
                continue;
            }
            Optional<ServerConfig> server = server(
                    new Section((ConfigObject) v, path, problems), i + 1, names, backendChecks, backendSendProxy);
            server.ifPresent(servers::add);
            complete &= server.isPresent();
        }
        return complete ? Optional.of(servers) : Optional.empty();
    }

    private Optional<ServerConfig> server(
            Section s,
            int id,
            Map<String, String> names,
            List<CheckReader.Level> backendChecks,
            SendProxy backendSendProxy) {
        s.checkKnownKeys(ConfigKeys.SERVER);
        Optional<String> name = Optional.empty();
        if (!s.has("name")) {
            s.missing("name", NAME);
        } else {
            name = s.string("name").filter(n -> NAME_PATTERN.matcher(n).matches() || reportName(s));
        }
        if (name.isPresent() && names.containsKey(name.get())) {
            String listen = s.path().substring(0, s.path().lastIndexOf(".servers["));
            s.report(
                    "name",
                    s.value("name"),
                    "a name unique in " + listen + " (" + names.get(name.get()) + " is also " + name.get() + ")");
            name = Optional.empty();
        } else {
            name.ifPresent(n -> names.put(n, s.path().substring(s.path().lastIndexOf('.') + 1)));
        }
        Optional<HostPort> address = Optional.empty();
        if (!s.has("address")) {
            s.missing("address", Addresses.SERVER_FORM);
        } else {
            address = addresses.server(s, "address", "init-addr");
        }
        boolean backup = s.bool("backup").orElse(false);
        int weight = s.integer("weight", 0, 256).orElse(1);
        int maxconn = s.integer("maxconn", 0, Integer.MAX_VALUE).orElse(0);
        boolean disabled = s.bool("disabled").orElse(false);
        Optional<SendProxy> sendProxy =
                s.has("send-proxy") ? sendProxy(s, "send-proxy") : Optional.of(backendSendProxy);
        List<CheckReader.Level> levels = new ArrayList<>(List.of(checks.level(s)));
        levels.addAll(backendChecks);
        Optional<CheckConfig> check = checks.effective(levels);
        if (name.isEmpty() || address.isEmpty() || check.isEmpty() || sendProxy.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new ServerConfig(
                name.get(), id, address.get(), backup, weight, maxconn, disabled, check.get(), sendProxy.get()));
    }

    private static boolean reportName(Section s) {
        s.report("name", s.value("name"), NAME);
        return false;
    }

    /** Reads the inherited settings from the first of {@code layers} (listen, then defaults) that sets each. */
    private Optional<Settings> settings(List<Section> layers, boolean reportMissing) {
        Section last = layers.get(layers.size() - 1);
        if (reportMissing && layers.stream().noneMatch(l -> l.has("timeout"))) {
            last.missing("timeout", Section.OBJECT);
        }
        List<Section> timeouts =
                layers.stream().flatMap(l -> l.section("timeout").stream()).toList();
        Optional<Integer> maxconn =
                inherited(layers, reportMissing, "maxconn", (s, k) -> s.integer(k, 1, Integer.MAX_VALUE));
        Optional<Balance> balance = inherited(layers, reportMissing, "balance", (s, k) -> s.keyword(k, BALANCES));
        Optional<Boolean> allBackups = inherited(layers, reportMissing, "allbackups", Section::bool);
        Optional<Integer> retries = inherited(layers, reportMissing, "retries", (s, k) -> s.integer(k, 0, MAX_RETRIES));
        Optional<Integer> redispatch =
                inherited(layers, reportMissing, "redispatch", (s, k) -> redispatch(s, k, retries));
        Optional<Duration> retryDelay = inherited(layers, reportMissing, "retry-delay", Section::duration);
        Optional<Duration> connect = inherited(timeouts, reportMissing, "connect", Section::duration);
        Optional<Duration> client = inherited(timeouts, reportMissing, "client", Section::duration);
        Optional<Duration> server = inherited(timeouts, reportMissing, "server", Section::duration);
        Optional<Duration> queue = inherited(timeouts, false, "queue", Section::duration);
        Optional<Optional<Duration>> greeting = inherited(timeouts, reportMissing, "greeting", Section::autoOrDuration);
        Optional<FailoverPolicy> failover = FailoverReader.read(layers, timeouts, reportMissing);
        // Optional: without one anywhere no server sends a header; a badly written one is reported (and fails).
        Optional<SendProxy> sendProxy = layers.stream().anyMatch(l -> l.has("send-proxy"))
                ? inherited(layers, false, "send-proxy", ListenReader::sendProxy)
                : Optional.of(SendProxy.NONE);
        if (maxconn.isEmpty()
                || balance.isEmpty()
                || allBackups.isEmpty()
                || retries.isEmpty()
                || redispatch.isEmpty()
                || retryDelay.isEmpty()
                || connect.isEmpty()
                || client.isEmpty()
                || server.isEmpty()
                || greeting.isEmpty()
                || failover.isEmpty()
                || sendProxy.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new Settings(
                maxconn.get(),
                client.get(),
                balance.get(),
                allBackups.get(),
                retries.get(),
                redispatch.get(),
                retryDelay.get(),
                connect.get(),
                server.get(),
                failover.get(),
                queue,
                greeting.get(),
                sendProxy.get()));
    }

    /** Reads {@code key} from the first layer that has it; absent everywhere is a problem at the last layer. */
    static <T> Optional<T> inherited(
            List<Section> layers, boolean reportMissing, String key, BiFunction<Section, String, Optional<T>> reader) {
        if (layers.isEmpty()) {
            return Optional.empty(); // the enclosing section was already reported
        }
        for (Section layer : layers) {
            if (layer.has(key)) {
                return reader.apply(layer, key);
            }
        }
        if (reportMissing) {
            layers.get(layers.size() - 1).missing(key, "a value (it has no default)");
        }
        return Optional.empty();
    }

    /** HAProxy's {@code option redispatch <interval>}: true = -1, false = 0, else the interval itself. */
    private static Optional<Integer> redispatch(Section s, String key, Optional<Integer> retries) {
        ConfigValue v = s.value(key);
        Optional<Boolean> b = Section.booleanValue(v);
        if (b.isPresent()) {
            return Optional.of(b.get() ? -1 : 0);
        }
        Optional<Long> n = Section.wholeNumber(v);
        if (n.isEmpty() || Math.abs(n.get()) > MAX_RETRIES) {
            return s.report(key, v, REDISPATCH);
        }
        // N < 0 counts back from the last retry; further back than the first retry would never redispatch.
        if (retries.isPresent() && n.get() < -retries.get()) {
            return s.report(key, v, "true, false, or an integer >= -retries (" + -retries.get() + ")");
        }
        return Optional.of(n.get().intValue());
    }

    /** {@code send-proxy = v1 | v2 | none}, with HAProxy's keywords in the problem for what each means. */
    private static Optional<SendProxy> sendProxy(Section s, String key) {
        ConfigValue v = s.value(key);
        SendProxy p = v.valueType() == ConfigValueType.STRING ? SEND_PROXIES.get((String) v.unwrapped()) : null;
        return p != null ? Optional.of(p) : s.report(key, v, SEND_PROXY);
    }

    private static Map<String, Balance> keywords() {
        Map<String, Balance> m = new LinkedHashMap<>();
        Arrays.stream(Balance.values()).forEach(b -> m.put(b.keyword(), b));
        return m;
    }
}
