package io.understudy.admin.peers;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Signs and checks peer messages: HMAC-SHA256 keyed with {@code peers.secret}, over the receiver's challenge (fresh
 * random bytes per connection) followed by the message. The challenge makes a message recorded on one connection
 * worthless on the next; the sequence number inside the message does the same within a connection.
 */
final class PeerAuth {
    static final int MAC_BYTES = 32;
    static final int CHALLENGE_BYTES = 16;
    private static final String ALGORITHM = "HmacSHA256";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final SecretKeySpec key;

    PeerAuth(String secret) {
        this.key = new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), ALGORITHM);
    }

    static byte[] newChallenge() {
        byte[] c = new byte[CHALLENGE_BYTES];
        RANDOM.nextBytes(c);
        return c;
    }

    byte[] sign(byte[] challenge, byte[] message) {
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(key);
            mac.update(challenge);
            return mac.doFinal(message);
        } catch (GeneralSecurityException e) {
            // Every Java 17 runtime has HmacSHA256.
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }

    /** Constant-time comparison: the time taken tells nothing about how much of the signature was right. */
    boolean verify(byte[] challenge, byte[] message, byte[] signature) {
        return MessageDigest.isEqual(sign(challenge, message), signature);
    }
}
