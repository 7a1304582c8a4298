package io.understudy.checks.mysql;

import static org.assertj.core.api.Assertions.assertThat;

import com.mysql.cj.protocol.Security;
import io.understudy.checks.fake.FakeScripts;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The check's scrambles against MySQL Connector/J's, an independent implementation of the same formulas. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ScramblesTest {
    @ParameterizedTest
    @ValueSource(strings = {"s3cret", "x", "pässwörd", "a rather long password with spaces and 🙂"})
    void nativePasswordMatchesConnectorJ(String password) {
        byte[] salt = FakeScripts.salt(password.length());
        assertThat(Scrambles.nativePassword(password, salt))
                .isEqualTo(Security.scramble411(password.getBytes(StandardCharsets.UTF_8), salt));
    }

    @ParameterizedTest
    @ValueSource(strings = {"s3cret", "x", "pässwörd", "a rather long password with spaces and 🙂"})
    void cachingSha2MatchesConnectorJ(String password) throws Exception {
        byte[] salt = FakeScripts.salt(password.length() + 1);
        assertThat(Scrambles.cachingSha2Password(password, salt))
                .isEqualTo(Security.scrambleCachingSha2(password.getBytes(StandardCharsets.UTF_8), salt));
    }

    @Test
    void emptyPasswordIsAnEmptyProof() {
        assertThat(Scrambles.nativePassword("", FakeScripts.salt(1))).isEmpty();
        assertThat(Scrambles.cachingSha2Password("", FakeScripts.salt(1))).isEmpty();
    }
}
