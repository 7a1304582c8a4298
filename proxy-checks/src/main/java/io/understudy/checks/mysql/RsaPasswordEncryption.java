package io.understudy.checks.mysql;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import javax.crypto.Cipher;
import javax.crypto.spec.OAEPParameterSpec;
import javax.crypto.spec.PSource;

/**
 * Encrypts a password for {@code caching_sha2_password} full authentication over a connection without TLS: the
 * password and its terminating NUL, XORed with the salt, encrypted with the server's RSA public key (RSA-OAEP with
 * SHA-1 and MGF1-SHA-1, as MySQL 8.0.5+ decrypts it).
 *
 * <p>The key comes from the server itself (a PEM {@code PUBLIC KEY} sent on request), as with Connector/J's
 * {@code allowPublicKeyRetrieval=true}: someone who can impersonate the server can learn the check password. The check
 * account should therefore have no privileges beyond logging in (HAProxy's advice for its check user).
 */
final class RsaPasswordEncryption {
    private static final String BEGIN = "-----BEGIN PUBLIC KEY-----";
    private static final String END = "-----END PUBLIC KEY-----";

    private RsaPasswordEncryption() {}

    static byte[] encrypt(String password, byte[] salt, byte[] pem) throws MalformedPacketException {
        if (salt.length == 0) {
            // An auth switch may carry no salt at all; XORing with nothing is no encryption (and divides by zero).
            throw new MalformedPacketException("the server sent no salt to encrypt the password with");
        }
        PublicKey key = parsePublicKey(pem);
        byte[] pw = password.getBytes(StandardCharsets.UTF_8);
        byte[] withNul = new byte[pw.length + 1];
        System.arraycopy(pw, 0, withNul, 0, pw.length);
        try {
            Cipher rsa = Cipher.getInstance("RSA/ECB/OAEPPadding");
            rsa.init(
                    Cipher.ENCRYPT_MODE,
                    key,
                    new OAEPParameterSpec("SHA-1", "MGF1", MGF1ParameterSpec.SHA1, PSource.PSpecified.DEFAULT));
            return rsa.doFinal(Scrambles.xor(withNul, salt));
        } catch (GeneralSecurityException e) {
            throw new MalformedPacketException(
                    "cannot encrypt the password with the server's RSA key: " + e.getMessage());
        }
    }

    static PublicKey parsePublicKey(byte[] pem) throws MalformedPacketException {
        String text = new String(pem, StandardCharsets.US_ASCII);
        int begin = text.indexOf(BEGIN);
        // The end marker is looked for after the whole begin marker, which it may overlap
        // ("-----BEGIN PUBLIC KEY-----END PUBLIC KEY-----"): an end found inside it has no key before it.
        int end = begin < 0 ? -1 : text.indexOf(END, begin + BEGIN.length());
        if (end < 0) {
            throw new MalformedPacketException("the server's RSA public key is not a PEM PUBLIC KEY");
        }
        try {
            byte[] der = Base64.getMimeDecoder().decode(text.substring(begin + BEGIN.length(), end));
            return KeyFactory.getInstance("RSA").generatePublic(new X509EncodedKeySpec(der));
        } catch (IllegalArgumentException | GeneralSecurityException e) {
            throw new MalformedPacketException("the server's RSA public key cannot be read: " + e.getMessage());
        }
    }
}
