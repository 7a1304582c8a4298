package io.understudy.checks.mysql;

import static org.assertj.core.api.Assertions.assertThat;

import io.understudy.core.fuzz.FuzzCorpus;
import io.understudy.core.fuzz.Mutations;
import java.nio.charset.StandardCharsets;
import java.security.PublicKey;
import java.security.interfaces.RSAPublicKey;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.StringLength;
import net.jqwik.api.statistics.Statistics;

/**
 * Fuzzes the parsers of what a checked server sends during a login ({@link Greeting}, {@link ErrPacket},
 * {@link AuthSwitchRequest}, and the RSA public key of {@link RsaPasswordEncryption}). Guarded, for any payload: the
 * only failure is a {@link MalformedPacketException}, which the check reports as {@code L7RSP} with its message; any
 * other exception (an index error, an arithmetic one) would escape into the check's channel and be reported as a
 * socket error with a meaningless message. Also: the same bytes give the same answer twice, and what a parser returns
 * is no larger than the payload it came from (nothing is read past the end or taken from a length field). The seeds
 * of {@code fuzz/mysql-packets} and {@code fuzz/rsa-public-key} are replayed in every run.
 */
class PacketParsersFuzzTest {
    private static final List<FuzzCorpus.Seed> PAYLOADS = FuzzCorpus.seeds("mysql-packets");
    private static final List<FuzzCorpus.Seed> KEYS = FuzzCorpus.seeds("rsa-public-key");
    private static final byte[] GREETING_SALT = "12345678901234567890".getBytes(StandardCharsets.US_ASCII);

    @Example
    void everyCorpusPayloadParsesOrIsMalformed() throws Exception {
        for (FuzzCorpus.Seed seed : PAYLOADS) {
            greetingIsParsedOrMalformed(seed.bytes());
            errPacketIsParsedOrMalformed(seed.bytes());
            authSwitchIsParsedOrMalformed(seed.bytes());
        }
        for (FuzzCorpus.Seed key : KEYS) {
            publicKeyIsReadOrMalformed(key.text());
            passwordIsEncryptedOrMalformed("s3cret", GREETING_SALT, key.text());
            // The salt an auth switch of the corpus carries is the one the password is then encrypted with.
            for (FuzzCorpus.Seed seed : PAYLOADS) {
                if (seed.bytes().length > 1 && (seed.bytes()[0] & 0xff) == AuthSwitchRequest.MARKER) {
                    byte[] salt =
                            AuthSwitchRequest.parse(seed.bytes(), GREETING_SALT).salt();
                    passwordIsEncryptedOrMalformed("s3cret", salt, key.text());
                }
            }
        }
    }

    @Example
    void theCorpusGreetingsAreGreetings() throws Exception {
        for (FuzzCorpus.Seed seed : PAYLOADS) {
            if (seed.name().startsWith("greeting-")) {
                Greeting g = Greeting.parse(seed.bytes());
                assertThat(g.salt()).as(seed.name()).hasSizeBetween(8, 20);
            }
        }
    }

    @Property(tries = 700)
    void greetingIsParsedOrMalformed(@ForAll("payloads") byte[] payload) {
        String first = outcome(() -> describe(Greeting.parse(payload)));
        assertThat(outcome(() -> describe(Greeting.parse(payload)))).isEqualTo(first);
        count("greeting", first.startsWith("parsed") ? "parsed" : "malformed", "parsed", 2);
        if (first.startsWith("parsed")) {
            Greeting g = parseOrFail(payload);
            assertThat(payload[0]).as("protocol version").isEqualTo((byte) 10);
            assertThat(g.salt().length).isLessThanOrEqualTo(payload.length);
            assertThat(g.serverVersion().getBytes(StandardCharsets.UTF_8).length)
                    .isLessThanOrEqualTo(3 * payload.length);
        }
    }

    @Property(tries = 300)
    void errPacketIsParsedOrMalformed(@ForAll("payloads") byte[] payload) {
        String first = outcome(() -> {
            ErrPacket e = ErrPacket.parse(payload);
            return "parsed " + e.errno() + " " + e.message();
        });
        assertThat(outcome(() -> "parsed " + ErrPacket.parse(payload).errno() + " "
                        + ErrPacket.parse(payload).message()))
                .isEqualTo(first);
        if (payload.length >= 3) {
            int errno = (payload[1] & 0xff) | (payload[2] & 0xff) << 8;
            String text = new String(payload, 3, payload.length - 3, StandardCharsets.UTF_8);
            assertThat(first).isEqualTo("parsed " + errno + " " + text);
        } else {
            assertThat(first).startsWith("malformed");
        }
    }

    @Property(tries = 300)
    void authSwitchIsParsedOrMalformed(@ForAll("payloads") byte[] payload) {
        String first = outcome(() -> describe(AuthSwitchRequest.parse(payload, GREETING_SALT)));
        assertThat(outcome(() -> describe(AuthSwitchRequest.parse(payload, GREETING_SALT))))
                .isEqualTo(first);
        if (payload.length == 0) {
            assertThat(first).startsWith("malformed");
        } else if (payload.length == 1) {
            assertThat(first).isEqualTo(describe(new AuthSwitchRequest(AuthSwitchRequest.OLD_PASSWORD, GREETING_SALT)));
        } else {
            int nul = 1;
            while (nul < payload.length && payload[nul] != 0) {
                nul++;
            }
            String plugin = new String(payload, 1, nul - 1, StandardCharsets.UTF_8);
            byte[] data = Arrays.copyOfRange(payload, Math.min(payload.length, nul + 1), payload.length);
            byte[] salt = data.length > 0 && data[data.length - 1] == 0 ? Arrays.copyOf(data, data.length - 1) : data;
            assertThat(first).isEqualTo(describe(new AuthSwitchRequest(plugin, salt)));
        }
    }

    @Property(tries = 500)
    void publicKeyIsReadOrMalformed(@ForAll("pems") String pem) {
        byte[] bytes = pem.getBytes(StandardCharsets.ISO_8859_1);
        String first = outcome(() -> describe(RsaPasswordEncryption.parsePublicKey(bytes)));
        assertThat(outcome(() -> describe(RsaPasswordEncryption.parsePublicKey(bytes))))
                .isEqualTo(first);
        count("key", first.startsWith("parsed") ? "parsed" : "malformed", "parsed", 1);
    }

    /** The salt and the key both come from the server: an auth switch may carry any salt, an empty one included. */
    @Property(tries = 200)
    void passwordIsEncryptedOrMalformed(
            @ForAll @StringLength(max = 12) String password, @ForAll("salts") byte[] salt, @ForAll("keys") String pem)
            throws Exception {
        byte[] bytes = pem.getBytes(StandardCharsets.ISO_8859_1);
        // RSA-OAEP is randomised: the same input gives another ciphertext each time, of the modulus' length.
        String first = outcome(() -> "encrypted " + RsaPasswordEncryption.encrypt(password, salt, bytes).length);
        assertThat(outcome(() -> "encrypted " + RsaPasswordEncryption.encrypt(password, salt, bytes).length))
                .isEqualTo(first);
        count("password", first.startsWith("encrypted") ? "encrypted" : "malformed", "encrypted", 10);
        if (first.startsWith("encrypted")) {
            RSAPublicKey key = (RSAPublicKey) RsaPasswordEncryption.parsePublicKey(bytes);
            assertThat(first).isEqualTo("encrypted " + (key.getModulus().bitLength() + 7) / 8);
        }
    }

    @Provide
    Arbitrary<byte[]> payloads() {
        List<byte[]> seeds = PAYLOADS.stream().map(FuzzCorpus.Seed::bytes).toList();
        return Arbitraries.frequencyOf(
                Tuple.of(5, Mutations.of(seeds)),
                Tuple.of(1, Arbitraries.of(seeds)),
                Tuple.of(2, Arbitraries.bytes().array(byte[].class).ofMaxSize(64)));
    }

    /** A greeting's 20-byte salt, or what an auth switch may carry instead: nothing, one byte, any bytes. */
    @Provide
    Arbitrary<byte[]> salts() {
        return Arbitraries.frequencyOf(
                Tuple.of(3, Arbitraries.just(GREETING_SALT)),
                Tuple.of(1, Arbitraries.of(new byte[0], new byte[] {0})),
                Tuple.of(2, Arbitraries.bytes().array(byte[].class).ofMaxSize(40)));
    }

    /** Mostly keys that parse, so that the encryption itself is reached; sometimes any text of {@link #pems}. */
    @Provide
    Arbitrary<String> keys() {
        return Arbitraries.frequencyOf(
                Tuple.of(
                        3,
                        Arbitraries.of(KEYS)
                                .filter(k -> k.name().startsWith("public-key-"))
                                .map(FuzzCorpus.Seed::text)),
                Tuple.of(1, pems()));
    }

    /**
     * Text around the PEM markers: the corpus keys mutated, and keys assembled from markers with too few or too many
     * dashes, bodies real, random or absent, separators or none, in either order.
     */
    @Provide
    Arbitrary<String> pems() {
        List<byte[]> seeds = KEYS.stream().map(FuzzCorpus.Seed::bytes).toList();
        Arbitrary<String> mutated = Mutations.of(seeds).map(b -> new String(b, StandardCharsets.ISO_8859_1));
        Arbitrary<String> dashes = Arbitraries.of("-----", "", "----", "------", "-----", "-");
        Arbitrary<String> separator = Arbitraries.of("", "\n", "\r\n", " ");
        Arbitrary<String> body = Arbitraries.oneOf(
                Arbitraries.of(seeds).map(PacketParsersFuzzTest::body),
                Arbitraries.just(""),
                Arbitraries.strings()
                        .withChars("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=\n")
                        .ofMaxLength(80));
        Arbitrary<String> begin = Combinators.combine(dashes, dashes).as((a, b) -> a + "BEGIN PUBLIC KEY" + b);
        Arbitrary<String> end = Combinators.combine(dashes, dashes).as((a, b) -> a + "END PUBLIC KEY" + b);
        Arbitrary<String> assembled = Combinators.combine(
                        begin, separator, body, separator, end, Arbitraries.of(true, true, true, false))
                .as((b, s1, text, s2, e, beginFirst) -> beginFirst ? b + s1 + text + s2 + e : e + s1 + text + s2 + b);
        return Arbitraries.frequencyOf(
                Tuple.of(3, assembled),
                Tuple.of(3, mutated),
                Tuple.of(1, Arbitraries.of(seeds).map(b -> new String(b, StandardCharsets.ISO_8859_1))));
    }

    /** The base64 between the markers of a corpus key. */
    private static String body(byte[] pem) {
        String text = new String(pem, StandardCharsets.ISO_8859_1);
        int from = text.indexOf('\n');
        int to = text.lastIndexOf("-----END");
        return from >= 0 && to > from ? text.substring(from + 1, to) : text;
    }

    /** Counts an outcome; fails the property if its inputs reach {@code reached} in less than {@code min} % of tries. */
    private static void count(String label, Object outcome, Object reached, double min) {
        Statistics.label(label).collect(outcome);
        Statistics.label(label).coverage(c -> c.check(reached).percentage(p -> p >= min));
    }

    /** Parses, or fails the property: for use once {@link #outcome} has said the payload parses. */
    private static Greeting parseOrFail(byte[] payload) {
        try {
            return Greeting.parse(payload);
        } catch (MalformedPacketException e) {
            throw new AssertionError("parsed once, malformed the second time", e);
        }
    }

    private static String describe(Greeting g) {
        return "parsed " + g.serverVersion() + " " + Integer.toHexString(g.capabilities()) + " "
                + HexFormat.of().formatHex(g.salt()) + " " + g.authPlugin();
    }

    private static String describe(AuthSwitchRequest r) {
        return "parsed " + r.plugin() + " " + HexFormat.of().formatHex(r.salt());
    }

    private static String describe(PublicKey key) {
        return "parsed " + key.getAlgorithm() + " " + HexFormat.of().formatHex(key.getEncoded());
    }

    /** A parser's answer as text: what it parsed, or {@code malformed: <message>}; any other exception escapes. */
    private static String outcome(Parse parse) {
        try {
            return parse.run();
        } catch (MalformedPacketException e) {
            assertThat(e.getMessage()).as("the message the check reports").isNotBlank();
            return "malformed: " + e.getMessage();
        }
    }

    @FunctionalInterface
    private interface Parse {
        String run() throws MalformedPacketException;
    }
}
