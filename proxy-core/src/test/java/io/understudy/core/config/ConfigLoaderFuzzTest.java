package io.understudy.core.config;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import io.understudy.core.fuzz.FuzzCorpus;
import io.understudy.core.fuzz.Mutations;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.statistics.Statistics;

/**
 * Fuzzes {@link ConfigLoader#parse}: whatever an operator writes, the answer is a valid {@link ProxyConfig} or a
 * {@link ConfigException} listing at least one problem, each with its {@code file:line}; never HOCON's own exception,
 * a {@code NullPointerException}, a {@code NumberFormatException} or any other, which would reach the operator as a
 * stack trace instead of the line to fix. The same text gives the same answer twice. Inputs: random HOCON-ish token
 * soup, configs built from the known keys with boundary values (huge numbers, negative and overflowing durations,
 * odd addresses and paths, substitutions), and mutations of real configs: the seeds of {@code fuzz/config}, the test
 * fixtures of {@code config/*.conf} and the shipped {@code conf/understudy.conf}, all replayed as they are in every
 * run. Hosts resolve without DNS: names ending in {@code .invalid} do not resolve, every other name is 127.0.0.1.
 */
class ConfigLoaderFuzzTest {
    private static final String SOURCE = "fuzz.conf";

    private static final HostResolver RESOLVER = host -> {
        if (host.endsWith(".invalid")) {
            throw new UnknownHostException(host);
        }
        return ConfigTesting.ANY_HOST_IS_LOCAL.resolve(host);
    };

    /** Values that sit on a boundary of some reader: sizes, signs, units, forms of address, path and keyword. */
    private static final List<String> VALUES = List.of(
            "0",
            "1",
            "-1",
            "256",
            "257",
            "1000",
            "1001",
            "1024",
            "65535",
            "65536",
            "16777216",
            "2147483647",
            "2147483648",
            "-2147483649",
            "9223372036854775807",
            "9223372036854775808",
            "99999999999999999999",
            "1e15",
            "1e308",
            "-1e308",
            "1.5",
            "0.5",
            "0.50000000001",
            "\"1e1000\"",
            "\"NaN\"",
            "\"  42 \"",
            "0s",
            "1ns",
            "-5s",
            "100ms",
            "10s",
            "1m",
            "8h",
            "106751d",
            "106752d",
            "9999999999999999d",
            "\"1.5e300 s\"",
            "\"10 parsecs\"",
            "auto",
            "true",
            "false",
            "yes",
            "off",
            "null",
            "\"\"",
            "\" \"",
            "\"\\u0000\"",
            "\"a\\u0000b\"",
            "\"127.0.0.1:3306\"",
            "\"127.0.0.1:0\"",
            "\":0\"",
            "\"*:3306\"",
            "\"[::1]:3306\"",
            "\"[::1]\"",
            "\"[]:1\"",
            "\"[::1]x3306\"",
            "\"host:99999\"",
            "\"host:-1\"",
            "\"host:\"",
            "\"nowhere.invalid:3306\"",
            "\"a:b:c\"",
            "\"/run/understudy/admin.sock\"",
            "\"/\"",
            "\"relative\"",
            "\"/metrics\"",
            "\"/health\"",
            "\"/with space\"",
            "\"600\"",
            "0600",
            "\"999\"",
            "first",
            "roundrobin",
            "mysql",
            "tcp",
            "sql",
            "post-41",
            "pre-41",
            "\"SELECT 1\"",
            "up",
            "down",
            "layer4",
            "none",
            "fastinter",
            "sudden-death",
            "mark-down",
            "manual",
            "shutdown-sessions",
            "shutdown-backup-sessions",
            "admin",
            "operator",
            "user",
            "lbA",
            "lbB",
            "\"0123456789abcdef-pair\"",
            "understudy",
            "\"bad prefix!\"",
            "[]",
            "{}",
            "[ 1, 2 ]",
            "[ { name = a, address = \"127.0.0.1:3306\" } ]",
            "[ { name = a, address = \"127.0.0.1:3306\" }, { name = a, address = \"127.0.0.1:3307\" } ]",
            "${?NOT_SET}",
            "${NOT_SET}",
            "${global}",
            "${defaults.retries}",
            "${defaults.timeout}",
            "${listen}");

    private static final List<FuzzCorpus.Seed> SEEDS = seeds();

    /** Every key a reader knows, plus near misses and names that need quoting. */
    private static final List<String> KEYS = keys();

    /** The syntax HOCON has, for token soup and insertions. */
    private static final List<String> SYNTAX = List.of(
            "{",
            "}",
            "[",
            "]",
            "=",
            ":",
            "+=",
            ",",
            "\n",
            ".",
            "\"",
            "${",
            "${?",
            "}",
            "#",
            "//",
            "include",
            "include \"config/included-listen.conf\"",
            "\"\"\"",
            "\\",
            " ");

    @Example
    void everyCorpusConfigIsValidOrReportedAsItIs() {
        for (FuzzCorpus.Seed seed : SEEDS) {
            assertThat(outcome(seed.text())).as(seed.name()).isNotEmpty();
        }
    }

    @Example
    void theShippedExampleIsValid() {
        String text = SEEDS.stream()
                .filter(s -> s.name().equals("conf/understudy.conf"))
                .findFirst()
                .orElseThrow()
                .text();
        assertThat(outcome(text)).startsWith("valid ");
    }

    @Property(tries = 200)
    void mutatedConfigsAreValidOrReported(@ForAll("mutants") String text) {
        count(outcome(text), 5);
    }

    @Property(tries = 200)
    void configsOfKnownKeysWithBoundaryValuesAreValidOrReported(@ForAll("built") String text) {
        count(outcome(text), 1);
    }

    @Property(tries = 200)
    void tokenSoupIsValidOrReported(@ForAll("soup") String text) {
        count(outcome(text), 0);
    }

    /** Reading a config twice costs twice as much, so determinism has a property of its own, on all three kinds. */
    @Property(tries = 60)
    void theSameTextGivesTheSameAnswer(@ForAll("anyText") String text) {
        String first = outcome(text);
        assertThat(outcome(text)).as("the same text again").isEqualTo(first);
        count(first, 0);
    }

    @Provide
    Arbitrary<String> anyText() {
        return Arbitraries.oneOf(mutants(), built(), soup());
    }

    /** Counts valid and invalid answers; fails the property if less than {@code minValid} % of its inputs are valid. */
    private static void count(String outcome, double minValid) {
        Statistics.label("outcome").collect(outcome.startsWith("valid ") ? "valid" : "invalid");
        if (minValid > 0) {
            Statistics.label("outcome").coverage(c -> c.check("valid").percentage(p -> p >= minValid));
        }
    }

    /**
     * The loader's answer as text. A {@link ConfigException} must list at least one problem, each naming a key, what
     * was expected, and where; any other exception escapes and fails the property with the input that caused it.
     */
    private static String outcome(String text) {
        try {
            ProxyConfig config = ConfigLoader.parse(text, SOURCE, ConfigFactory.empty(), RESOLVER);
            assertThat(config.listens()).as("a valid config serves something").isNotEmpty();
            return "valid " + config;
        } catch (ConfigException e) {
            assertThat(e.problems()).as("an invalid config says why").isNotEmpty();
            assertThat(e.problems()).allSatisfy(p -> {
                assertThat(p.key()).isNotBlank();
                assertThat(p.expected()).isNotBlank();
                assertThat(p.origin()).as("where the problem is").isNotBlank();
            });
            return "invalid " + e.getMessage();
        }
    }

    @Provide
    Arbitrary<String> mutants() {
        List<String> seeds = SEEDS.stream().map(FuzzCorpus.Seed::text).toList();
        return Combinators.combine(
                        Arbitraries.of(seeds),
                        Mutations.edits().list().ofMinSize(1).ofMaxSize(4),
                        Arbitraries.of(VALUES),
                        Arbitraries.of(KEYS),
                        Arbitraries.of(SYNTAX))
                .as((seed, edits, value, key, token) -> {
                    String text = seed;
                    for (Mutations.Edit e : edits) {
                        text = edit(text, e, value, key, token);
                    }
                    return text;
                });
    }

    @Provide
    Arbitrary<String> built() {
        Arbitrary<String> value = Arbitraries.of(VALUES);
        Arbitrary<String> server = entries(List.of("name", "address", "backup", "weight", "maxconn", "check"), 3)
                .map(e -> "{ " + e + " }");
        Arbitrary<String> servers = Arbitraries.frequencyOf(
                Tuple.of(2, Arbitraries.just("[ { name = a, address = \"127.0.0.1:3306\" } ]")),
                Tuple.of(2, server.list().ofMaxSize(3).map(l -> "[ " + String.join(", ", l) + " ]")),
                Tuple.of(1, value));
        Arbitrary<String> check = Arbitraries.oneOf(entries(ConfigKeys.CHECK, 2).map(e -> "{ " + e + " }"), value);
        Arbitrary<String> timeout =
                Arbitraries.oneOf(entries(ConfigKeys.TIMEOUT, 2).map(e -> "{ " + e + " }"), value);
        Arbitrary<String> global = entries(ConfigKeys.GLOBAL, 3).map(e -> "global { " + e + " }");
        Arbitrary<String> defaults = Combinators.combine(
                        entries(ConfigKeys.DEFAULTS, 2), optional("timeout", timeout), optional("check", check))
                .as((e, t, c) -> "defaults { " + e + t + c + " }");
        Arbitrary<String> bind =
                Arbitraries.frequencyOf(Tuple.of(2, Arbitraries.just("\"127.0.0.1:0\"")), Tuple.of(1, value));
        Arbitrary<String> listen = Combinators.combine(
                        Arbitraries.of("db", "MySQL", "\"a.b\"", "\"\"", "x y"),
                        bind,
                        servers,
                        entries(ConfigKeys.LISTEN, 2),
                        optional("check", check))
                .as((name, b, s, e, c) ->
                        "listen." + name + " { bind = " + b + "\n servers = " + s + "\n " + e + c + " }");
        Arbitrary<String> admin = entries(ConfigKeys.ADMIN_SOCKET, 4)
                .map(e -> "{ " + e + " }")
                .list()
                .ofMaxSize(2)
                .map(l -> "admin { sockets = [ " + String.join(", ", l) + " ] }");
        Arbitrary<String> metrics = entries(ConfigKeys.METRICS, 3).map(e -> "metrics { " + e + " }");
        Arbitrary<String> peers = Combinators.combine(value, value, entries(ConfigKeys.PEERS, 3))
                .as((a, b, e) -> "peers { local = lbA, secret = \"0123456789abcdef-pair\", members { lbA = " + a
                        + ", lbB = " + b + " }\n " + e + " }");
        Arbitrary<String> valid = Arbitraries.just(ConfigTesting.MINIMAL_LISTEN);
        return Arbitraries.frequencyOf(
                        Tuple.of(3, listen),
                        Tuple.of(4, valid),
                        Tuple.of(2, defaults),
                        Tuple.of(1, global),
                        Tuple.of(1, admin),
                        Tuple.of(1, metrics),
                        Tuple.of(1, peers),
                        Tuple.of(1, entries(KEYS, 2)))
                .list()
                .ofMinSize(1)
                .ofMaxSize(5)
                .map(sections -> String.join("\n", sections) + "\n");
    }

    @Provide
    Arbitrary<String> soup() {
        List<String> tokens = new ArrayList<>(SYNTAX);
        tokens.addAll(VALUES);
        tokens.addAll(KEYS);
        return Arbitraries.of(tokens).list().ofMaxSize(40).map(l -> String.join(" ", l));
    }

    /** Nothing most of the time, else a line {@code key = value}. */
    private static Arbitrary<String> optional(String key, Arbitrary<String> value) {
        return Arbitraries.frequencyOf(
                Tuple.of(2, Arbitraries.just("")), Tuple.of(1, value.map(v -> "\n " + key + " = " + v)));
    }

    /** Up to {@code max} lines {@code key = value}, keys from {@code known} or near misses of them. */
    private static Arbitrary<String> entries(List<String> known, int max) {
        Arbitrary<String> key =
                Arbitraries.frequencyOf(Tuple.of(5, Arbitraries.of(known)), Tuple.of(1, Arbitraries.of(KEYS)));
        return Combinators.combine(key, Arbitraries.of(VALUES))
                .as((k, v) -> k + " = " + v)
                .list()
                .ofMaxSize(max)
                .map(l -> String.join("\n ", l));
    }

    /** One text edit: a line's value or key replaced, a line dropped, doubled or moved, a token inserted, a cut. */
    private static String edit(String text, Mutations.Edit e, String value, String key, String token) {
        List<String> lines = new ArrayList<>(Arrays.asList(text.split("\n", -1)));
        int line = e.at() % lines.size();
        String l = lines.get(line);
        int at = e.at() % (text.length() + 1);
        switch (e.kind()) {
            case 0 -> {
                int eq = l.indexOf('=');
                lines.set(line, eq < 0 ? l + " = " + value : l.substring(0, eq + 1) + " " + value);
            }
            case 1 -> {
                int eq = l.indexOf('=');
                lines.set(line, eq < 0 ? key + " = " + l : key + " " + l.substring(eq));
            }
            case 2 -> lines.remove(line);
            case 3 -> lines.add(line, l);
            case 4 -> {
                String moved = lines.remove(line);
                lines.add(e.value() % (lines.size() + 1), moved);
            }
            case 5 -> {
                return text.substring(0, at) + token + text.substring(at);
            }
            case 6 -> {
                return text.substring(0, at) + text.substring(Math.min(text.length(), at + e.span()));
            }
            default -> {
                return text.substring(0, at);
            }
        }
        return String.join("\n", lines);
    }

    private static List<String> keys() {
        List<String> keys = new ArrayList<>();
        Stream.of(
                        ConfigKeys.TOP_LEVEL,
                        ConfigKeys.GLOBAL,
                        ConfigKeys.LISTEN,
                        ConfigKeys.TIMEOUT,
                        ConfigKeys.SERVER,
                        ConfigKeys.CHECK,
                        ConfigKeys.METRICS,
                        ConfigKeys.PEERS,
                        ConfigKeys.ADMIN,
                        ConfigKeys.ADMIN_SOCKET)
                .forEach(keys::addAll);
        keys.addAll(List.of(
                "pasword", "retires", "listen.db", "listen.db.servers", "defaults.check", "\"quoted.key\"", "a-b"));
        return keys.stream().distinct().collect(Collectors.toList());
    }

    /** {@code fuzz/config}, the fixtures of {@code config/}, and the shipped example, each as one seed. */
    private static List<FuzzCorpus.Seed> seeds() {
        List<FuzzCorpus.Seed> seeds = new ArrayList<>(FuzzCorpus.seeds("config"));
        try {
            Path fixtures =
                    Path.of(ConfigLoaderFuzzTest.class.getResource("/config").toURI());
            try (Stream<Path> files = Files.list(fixtures)) {
                for (Path f : files.sorted().toList()) {
                    seeds.add(new FuzzCorpus.Seed("config/" + f.getFileName(), Files.readAllBytes(f)));
                }
            }
            Path shipped = Path.of(System.getProperty("basedir", ".")).resolve("../conf/understudy.conf");
            seeds.add(new FuzzCorpus.Seed("conf/understudy.conf", Files.readAllBytes(shipped)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
        return seeds;
    }
}
