package io.understudy.checks.mysql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.understudy.checks.fake.FakeScripts;
import io.understudy.checks.fake.ServerPackets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class GreetingTest {
    @Test
    void readsVersionSaltAndPluginOfAMariaDbGreeting() throws Exception {
        byte[] salt = FakeScripts.salt(1);
        Greeting g = Greeting.parse(ServerPackets.greeting(
                "5.5.5-10.11.19-MariaDB-0+deb12u1", salt, "mysql_native_password", ServerPackets.MODERN_CAPABILITIES));

        assertThat(g.serverVersion()).isEqualTo("10.11.19-MariaDB-0+deb12u1");
        assertThat(g.salt()).isEqualTo(salt);
        assertThat(g.authPlugin()).contains("mysql_native_password");
        assertThat(g.capabilities() & Capabilities.CLIENT_PLUGIN_AUTH).isNotZero();
    }

    @Test
    void keepsOtherVersionsAsTheyAre() throws Exception {
        Greeting g = Greeting.parse(ServerPackets.greeting(
                "8.0.36", FakeScripts.salt(2), "caching_sha2_password", ServerPackets.MODERN_CAPABILITIES));

        assertThat(g.serverVersion()).isEqualTo("8.0.36");
        assertThat(g.authPlugin()).contains("caching_sha2_password");
    }

    @Test
    void aServerWithoutPluginAuthHasNoPlugin() throws Exception {
        int caps = ServerPackets.MODERN_CAPABILITIES & ~ServerPackets.CLIENT_PLUGIN_AUTH;
        Greeting g = Greeting.parse(ServerPackets.greeting("5.1.73", FakeScripts.salt(3), "", caps));

        assertThat(g.authPlugin()).isEmpty();
        assertThat(g.salt()).hasSize(20);
    }

    /** A real MariaDB 10.11 greeting, as captured on the wire (payload only). */
    @Test
    void parsesACapturedMariaDbGreeting() throws Exception {
        byte[] payload = HexFormat.of()
                .parseHex("0a352e352e352d31302e31312e31392d4d617269614442"
                        + "2d302b64656231327531000c0000005b3e50362d4f7a2700fef72d0200ff81150000000000001d000000"
                        + "3f5b5d7a4b3e6b4c6a4e5e24006d7973716c5f6e61746976655f70617373776f726400");
        Greeting g = Greeting.parse(payload);

        assertThat(g.serverVersion()).isEqualTo("10.11.19-MariaDB-0+deb12u1");
        assertThat(g.salt()).hasSize(20);
        assertThat(g.authPlugin()).contains("mysql_native_password");
    }

    @Test
    void aCutGreetingIsMalformedNotAnIndexError() {
        byte[] full = ServerPackets.greeting(
                "8.0.36", FakeScripts.salt(4), "caching_sha2_password", ServerPackets.MODERN_CAPABILITIES);
        for (int n = 1; n < 20; n++) {
            byte[] cut = Arrays.copyOf(full, n);
            assertThatThrownBy(() -> Greeting.parse(cut)).isInstanceOf(MalformedPacketException.class);
        }
    }

    @Test
    void anotherProtocolVersionIsNotAGreeting() {
        assertThatThrownBy(() -> Greeting.parse(new byte[] {1, 2, 3, 4, 5}))
                .isInstanceOf(MalformedPacketException.class)
                .hasMessage("not a MySQL server greeting (protocol version 1)");
    }
}
