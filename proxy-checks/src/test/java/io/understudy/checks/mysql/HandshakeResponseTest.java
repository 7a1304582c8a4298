package io.understudy.checks.mysql;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.understudy.checks.fake.LoginPacket;
import io.understudy.checks.fake.ServerPackets;
import io.understudy.core.config.CheckConfig.MySqlVariant;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class HandshakeResponseTest {
    private static final UnpooledByteBufAllocator ALLOC = new UnpooledByteBufAllocator(false);

    /** HAProxy's pre-41 packet for {@code haproxy} (§3.3 of the reference), without its COM_QUIT. */
    @Test
    void pre41IsByteForByteHaproxys() {
        int caps = Capabilities.client(MySqlVariant.PRE_41, ServerPackets.MODERN_CAPABILITIES);
        String hex = encode(MySqlVariant.PRE_41, caps, "haproxy", new byte[0], Optional.empty());

        assertThat(hex).isEqualTo("0e000001" + "0080" + "000001" + "6861 70726f787900".replace(" ", "") + "00");
    }

    /**
     * HAProxy's post-80 packet for {@code haproxy} (§3.3), except the capabilities (we add CLIENT_LONG_PASSWORD and
     * CLIENT_TRANSACTIONS, as every client does) and max packet (16 MiB).
     */
    @Test
    void post41WithPluginAuthIsHaproxysPost80Layout() {
        int caps = Capabilities.client(MySqlVariant.POST_41, ServerPackets.MODERN_CAPABILITIES);
        String hex = encode(
                MySqlVariant.POST_41, caps, "haproxy", new byte[0], Optional.of(AuthPlugin.MYSQL_NATIVE_PASSWORD));

        assertThat(caps).isEqualTo(0x0008_a201);
        assertThat(hex)
                .isEqualTo("3f000001" + "01a20800" + "00000001" + "21" + "00".repeat(23) + "686170726f787900" + "00"
                        + "6d7973716c5f6e61746976655f70617373776f726400");
    }

    @Test
    void post41WithoutPluginAuthNamesNoPlugin() {
        int serverCaps = ServerPackets.MODERN_CAPABILITIES & ~ServerPackets.CLIENT_PLUGIN_AUTH;
        int caps = Capabilities.client(MySqlVariant.POST_41, serverCaps);
        String hex = encode(
                MySqlVariant.POST_41, caps, "haproxy", new byte[0], Optional.of(AuthPlugin.MYSQL_NATIVE_PASSWORD));

        assertThat(hex).startsWith("29000001" + "01a20000");
        assertThat(hex).hasSize(2 * (4 + 41));
    }

    @Test
    void aServerReadsUserScrambleAndPluginBack() {
        byte[] scramble = new byte[32];
        Arrays.fill(scramble, (byte) 0x5a);
        int caps = Capabilities.client(MySqlVariant.POST_41, ServerPackets.MODERN_CAPABILITIES);
        ByteBuf buf = HandshakeResponse.encode(
                ALLOC,
                1,
                MySqlVariant.POST_41,
                caps,
                "checkpw",
                scramble,
                Optional.of(AuthPlugin.CACHING_SHA2_PASSWORD));
        try {
            buf.skipBytes(4);
            LoginPacket login = LoginPacket.parse(ByteBufUtil.getBytes(buf));

            assertThat(login.user()).isEqualTo("checkpw");
            assertThat(login.authResponse()).isEqualTo(scramble);
            assertThat(login.plugin()).contains("caching_sha2_password");
            assertThat(login.capabilities() & Capabilities.CLIENT_CONNECT_WITH_DB)
                    .isZero();
            assertThat(login.capabilities() & Capabilities.CLIENT_SSL).isZero();
        } finally {
            buf.release();
        }
    }

    private static String encode(
            MySqlVariant variant, int caps, String user, byte[] auth, Optional<AuthPlugin> plugin) {
        ByteBuf buf = HandshakeResponse.encode(ALLOC, 1, variant, caps, user, auth, plugin);
        try {
            return ByteBufUtil.hexDump(buf);
        } finally {
            buf.release();
        }
    }
}
