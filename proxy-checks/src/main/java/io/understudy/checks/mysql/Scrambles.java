package io.understudy.checks.mysql;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The password proofs the two supported auth plugins send instead of the password: a hash that only someone knowing
 * the password can derive from the server's salt. An empty password is sent as an empty proof, which is how a client
 * logs in to an account without password.
 */
final class Scrambles {
    private Scrambles() {}

    /** {@code mysql_native_password}: SHA1(pw) XOR SHA1(salt + SHA1(SHA1(pw))). */
    static byte[] nativePassword(String password, byte[] salt) {
        if (password.isEmpty()) {
            return new byte[0];
        }
        MessageDigest sha1 = digest("SHA-1");
        byte[] stage1 = sha1.digest(password.getBytes(StandardCharsets.UTF_8));
        byte[] stage2 = sha1.digest(stage1);
        sha1.update(salt);
        sha1.update(stage2);
        return xor(stage1, sha1.digest());
    }

    /** {@code caching_sha2_password} fast path: SHA256(pw) XOR SHA256(SHA256(SHA256(pw)) + salt). */
    static byte[] cachingSha2Password(String password, byte[] salt) {
        if (password.isEmpty()) {
            return new byte[0];
        }
        MessageDigest sha256 = digest("SHA-256");
        byte[] stage1 = sha256.digest(password.getBytes(StandardCharsets.UTF_8));
        byte[] stage2 = sha256.digest(stage1);
        sha256.update(stage2);
        sha256.update(salt);
        return xor(stage1, sha256.digest());
    }

    /** {@code a} XOR {@code b}, repeating {@code b} as often as needed. */
    static byte[] xor(byte[] a, byte[] b) {
        byte[] out = new byte[a.length];
        for (int i = 0; i < a.length; i++) {
            out[i] = (byte) (a[i] ^ b[i % b.length]);
        }
        return out;
    }

    private static MessageDigest digest(String algorithm) {
        try {
            return MessageDigest.getInstance(algorithm);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has " + algorithm, e);
        }
    }
}
