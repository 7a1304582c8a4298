package io.understudy.checks.fake;

import com.mysql.cj.protocol.Security;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.spec.MGF1ParameterSpec;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import javax.crypto.Cipher;
import javax.crypto.spec.OAEPParameterSpec;
import javax.crypto.spec.PSource;

/**
 * Ready-made {@link FakeMySqlServer.Script}s, one per server behaviour the check must cope with. Scripts that accept a
 * login verify the client's password proof with MySQL Connector/J's own scramble code, so the check's scrambles are
 * compared against an independent implementation; a wrong proof gets ERR 1045 and a note.
 */
public final class FakeScripts {
    public static final String VERSION = "8.0.36-fake";
    public static final String NATIVE = "mysql_native_password";
    public static final String CACHING_SHA2 = "caching_sha2_password";

    private FakeScripts() {}

    /** A fixed 20-byte salt without NULs, as servers generate them (printable, never 0). */
    public static byte[] salt(int seed) {
        byte[] s = new byte[20];
        for (int i = 0; i < s.length; i++) {
            s[i] = (byte) (0x21 + (seed * 7 + i * 13) % 90);
        }
        return s;
    }

    /** Greeting, login, then ERR {@code errno} (with the text as given, marker included) and the server's FIN. */
    public static FakeMySqlServer.Script errAfterLogin(int errno, String text) {
        return c -> {
            c.writePacket(0, ServerPackets.greeting(VERSION, salt(1), NATIVE, ServerPackets.MODERN_CAPABILITIES));
            c.readPacket();
            c.writePacket(2, ServerPackets.err(errno, text));
            c.shutdownOutput();
        };
    }

    /** ERR instead of a greeting (1129 host blocked, 1040 too many connections), then the server's FIN. */
    public static FakeMySqlServer.Script errInsteadOfGreeting(int errno, String text) {
        return c -> {
            c.writePacket(0, ServerPackets.err(errno, text));
            c.shutdownOutput();
        };
    }

    /** Writes {@code bytes} and leaves the connection open: the client must give up by itself. */
    public static FakeMySqlServer.Script raw(byte[] bytes) {
        return c -> c.writeRaw(bytes);
    }

    /** The header of a 74-byte greeting and only 10 bytes of it, then the server's FIN. */
    public static FakeMySqlServer.Script truncatedThenClose() {
        return c -> {
            c.writeRaw(Arrays.copyOf(
                    ServerPackets.frame(
                            0, ServerPackets.greeting(VERSION, salt(2), NATIVE, ServerPackets.MODERN_CAPABILITIES)),
                    14));
            c.shutdownOutput();
        };
    }

    /** Accepts and never writes. */
    public static FakeMySqlServer.Script silent() {
        return c -> {};
    }

    /** Greets, then never answers the login. */
    public static FakeMySqlServer.Script greetingThenSilence() {
        return c ->
                c.writePacket(0, ServerPackets.greeting(VERSION, salt(3), NATIVE, ServerPackets.MODERN_CAPABILITIES));
    }

    /** Sends its greeting one byte per {@code interval}, stopping once the client leaves. */
    public static FakeMySqlServer.Script slowGreeting(Duration interval) {
        return c -> {
            byte[] g = ServerPackets.frame(
                    0, ServerPackets.greeting(VERSION, salt(4), NATIVE, ServerPackets.MODERN_CAPABILITIES));
            for (byte b : g) {
                c.writeRaw(new byte[] {b});
                if (c.clientClosedWithin(interval)) {
                    return;
                }
            }
        };
    }

    /** A server whose default plugin is mysql_native_password (MariaDB, MySQL 5.7), accepting {@code user/password}. */
    public static FakeMySqlServer.Script nativeLogin(String user, String password) {
        return c -> {
            byte[] salt = salt(5);
            c.writePacket(0, ServerPackets.greeting(VERSION, salt, NATIVE, ServerPackets.MODERN_CAPABILITIES));
            LoginPacket login = readLogin(c, 1);
            boolean ok = login.user().equals(user) && Arrays.equals(login.authResponse(), nativeProof(password, salt));
            reply(c, 2, ok, login.user(), login.authResponse().length > 0, "native scramble");
        };
    }

    /** A MySQL 8 server (default caching_sha2) that switches the account to mysql_native_password, then accepts it. */
    public static FakeMySqlServer.Script authSwitchToNative(String user, String password) {
        return c -> {
            c.writePacket(0, ServerPackets.greeting(VERSION, salt(6), CACHING_SHA2, ServerPackets.MODERN_CAPABILITIES));
            LoginPacket login = readLogin(c, 1);
            byte[] newSalt = salt(7);
            c.writePacket(2, ServerPackets.authSwitch(NATIVE, newSalt));
            FakeConnection.Packet answer = c.readPacket();
            expectSequence(c, answer, 3);
            boolean ok = login.user().equals(user) && Arrays.equals(answer.payload(), nativeProof(password, newSalt));
            reply(c, 4, ok, login.user(), answer.payload().length > 0, "native scramble after auth switch");
        };
    }

    /** A MySQL 8 server whose account uses an auth plugin the check does not have. */
    public static FakeMySqlServer.Script authSwitchTo(String plugin) {
        return c -> {
            c.writePacket(0, ServerPackets.greeting(VERSION, salt(8), NATIVE, ServerPackets.MODERN_CAPABILITIES));
            readLogin(c, 1);
            c.writePacket(2, ServerPackets.authSwitch(plugin, salt(9)));
        };
    }

    /** MySQL 8 caching_sha2_password with the account's hash in the server's cache: fast auth (01 03), then OK. */
    public static FakeMySqlServer.Script cachingSha2Fast(String user, String password) {
        return c -> {
            byte[] salt = salt(10);
            c.writePacket(0, ServerPackets.greeting(VERSION, salt, CACHING_SHA2, ServerPackets.MODERN_CAPABILITIES));
            LoginPacket login = readLogin(c, 1);
            boolean ok = login.user().equals(user)
                    && login.plugin().orElse("").equals(CACHING_SHA2)
                    && Arrays.equals(login.authResponse(), sha2Proof(password, salt));
            if (!ok) {
                reply(c, 2, false, login.user(), login.authResponse().length > 0, "caching_sha2 scramble");
                return;
            }
            c.writePacket(2, ServerPackets.authMoreData((byte) 3));
            c.writePacket(3, ServerPackets.ok());
        };
    }

    /**
     * MySQL 8 caching_sha2_password without the hash cached: full auth (01 04); the client asks for the public key
     * (02), gets it in PEM, and must send the password XOR salt, RSA-OAEP encrypted; the server decrypts and checks.
     */
    public static FakeMySqlServer.Script cachingSha2Full(String user, String password, KeyPair rsa) {
        return c -> {
            byte[] salt = salt(11);
            c.writePacket(0, ServerPackets.greeting(VERSION, salt, CACHING_SHA2, ServerPackets.MODERN_CAPABILITIES));
            LoginPacket login = readLogin(c, 1);
            if (!Arrays.equals(login.authResponse(), sha2Proof(password, salt))) {
                c.note("caching_sha2 scramble wrong before full auth");
            }
            c.writePacket(2, ServerPackets.authMoreData((byte) 4));
            FakeConnection.Packet keyRequest = c.readPacket();
            expectSequence(c, keyRequest, 3);
            if (!Arrays.equals(keyRequest.payload(), new byte[] {2})) {
                c.note("expected a public key request (02), got " + Arrays.toString(keyRequest.payload()));
            }
            c.writePacket(4, ServerPackets.authMoreData(pem(rsa).getBytes(StandardCharsets.US_ASCII)));
            FakeConnection.Packet encrypted = c.readPacket();
            expectSequence(c, encrypted, 5);
            byte[] expected = Arrays.copyOf(password.getBytes(StandardCharsets.UTF_8), password.length() + 1);
            boolean ok = login.user().equals(user) && Arrays.equals(decrypt(rsa, encrypted.payload(), salt), expected);
            reply(c, 6, ok, login.user(), true, "RSA-encrypted password");
        };
    }

    /** Greets, reads the login, then resets the connection. */
    public static FakeMySqlServer.Script resetAfterLogin() {
        return c -> {
            c.writePacket(0, ServerPackets.greeting(VERSION, salt(12), NATIVE, ServerPackets.MODERN_CAPABILITIES));
            c.readPacket();
            c.reset();
        };
    }

    public static String pem(KeyPair rsa) {
        return "-----BEGIN PUBLIC KEY-----\n"
                + Base64.getMimeEncoder(64, new byte[] {'\n'})
                        .encodeToString(rsa.getPublic().getEncoded())
                + "\n-----END PUBLIC KEY-----\n";
    }

    static byte[] nativeProof(String password, byte[] salt) {
        return password.isEmpty() ? new byte[0] : Security.scramble411(password.getBytes(StandardCharsets.UTF_8), salt);
    }

    static byte[] sha2Proof(String password, byte[] salt) {
        if (password.isEmpty()) {
            return new byte[0];
        }
        try {
            return Security.scrambleCachingSha2(password.getBytes(StandardCharsets.UTF_8), salt);
        } catch (java.security.DigestException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] decrypt(KeyPair rsa, byte[] encrypted, byte[] salt) {
        try {
            Cipher cipher = Cipher.getInstance("RSA/ECB/OAEPWithSHA-1AndMGF1Padding");
            cipher.init(
                    Cipher.DECRYPT_MODE,
                    rsa.getPrivate(),
                    new OAEPParameterSpec("SHA-1", "MGF1", MGF1ParameterSpec.SHA1, PSource.PSpecified.DEFAULT));
            byte[] plain = cipher.doFinal(encrypted);
            for (int i = 0; i < plain.length; i++) {
                plain[i] ^= salt[i % salt.length];
            }
            return plain;
        } catch (GeneralSecurityException e) {
            return new byte[0];
        }
    }

    private static LoginPacket readLogin(FakeConnection c, int sequence) throws IOException {
        FakeConnection.Packet p = c.readPacket();
        expectSequence(c, p, sequence);
        return LoginPacket.parse(p.payload());
    }

    private static void expectSequence(FakeConnection c, FakeConnection.Packet p, int sequence) {
        if (p.sequence() != sequence) {
            c.note("sequence " + p.sequence() + ", expected " + sequence);
        }
    }

    /** OK, or MySQL's access-denied ERR (and the FIN the server follows it with). */
    private static void reply(
            FakeConnection c, int sequence, boolean ok, String user, boolean usingPassword, String what)
            throws IOException {
        if (ok) {
            c.writePacket(sequence, ServerPackets.ok());
            return;
        }
        c.note("login refused: " + what + " did not match");
        c.writePacket(
                sequence,
                ServerPackets.err(
                        1045,
                        "#28000Access denied for user '" + user + "'@'localhost' (using password: "
                                + (usingPassword ? "YES" : "NO") + ")"));
        c.shutdownOutput();
    }
}
