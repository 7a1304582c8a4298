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

    /** A real greeting, captured from the fixture's MariaDB 10.11.19 (payload only; the header was 64 00 00 00). */
    @Test
    void parsesACapturedMariaDbGreeting() throws Exception {
        byte[] payload = HexFormat.of()
                .parseHex("0a352e352e352d31302e31312e31392d4d6172696144422d302b6465623132753100040000005c7c7a70433e4e4b"
                        + "00fef72d0200ff81150000000000001d0000006b5c6c292476494a773b5b39006d7973716c5f6e61746976655f"
                        + "70617373776f726400");
        Greeting g = Greeting.parse(payload);

        assertThat(g.serverVersion()).isEqualTo("10.11.19-MariaDB-0+deb12u1");
        assertThat(HexFormat.of().formatHex(g.salt())).isEqualTo("5c7c7a70433e4e4b6b5c6c292476494a773b5b39");
        assertThat(g.capabilities()).isEqualTo(0x81fff7fe);
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
