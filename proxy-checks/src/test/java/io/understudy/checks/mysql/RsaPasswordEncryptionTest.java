package io.understudy.checks.mysql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.understudy.checks.fake.FakeScripts;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.MGF1ParameterSpec;
import java.util.concurrent.TimeUnit;
import javax.crypto.Cipher;
import javax.crypto.spec.OAEPParameterSpec;
import javax.crypto.spec.PSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class RsaPasswordEncryptionTest {
    @Test
    void theServerDecryptsPasswordAndNulXorSalt() throws Exception {
        KeyPairGenerator gen = KeyPairGenerator.getInstance("RSA");
        gen.initialize(2048);
        KeyPair rsa = gen.generateKeyPair();
        byte[] salt = FakeScripts.salt(9);

        byte[] encrypted = RsaPasswordEncryption.encrypt(
                "s3cret", salt, FakeScripts.pem(rsa).getBytes(StandardCharsets.US_ASCII));

        // What MySQL does: RSA_private_decrypt(..., RSA_PKCS1_OAEP_PADDING), then XOR with the scramble.
        Cipher c = Cipher.getInstance("RSA/ECB/OAEPWithSHA-1AndMGF1Padding");
        c.init(
                Cipher.DECRYPT_MODE,
                rsa.getPrivate(),
                new OAEPParameterSpec("SHA-1", "MGF1", MGF1ParameterSpec.SHA1, PSource.PSpecified.DEFAULT));
        byte[] plain = c.doFinal(encrypted);
        for (int i = 0; i < plain.length; i++) {
            plain[i] ^= salt[i % salt.length];
        }
        assertThat(plain).isEqualTo("s3cret\0".getBytes(StandardCharsets.US_ASCII));
    }

    @Test
    void somethingElseThanAPemKeyIsMalformed() {
        assertThatThrownBy(() -> RsaPasswordEncryption.encrypt("x", FakeScripts.salt(1), "hello".getBytes()))
                .isInstanceOf(MalformedPacketException.class)
                .hasMessage("the server's RSA public key is not a PEM PUBLIC KEY");
        byte[] broken = "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n".getBytes();
        assertThatThrownBy(() -> RsaPasswordEncryption.encrypt("x", FakeScripts.salt(1), broken))
                .isInstanceOf(MalformedPacketException.class)
                .hasMessageStartingWith("the server's RSA public key cannot be read");
    }
}
