package io.understudy.checks.fake;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Optional;

/**
 * A client's login packet as a server reads it (HandshakeResponse41, or HandshakeResponse320 when the client does not
 * announce CLIENT_PROTOCOL_41), written independently of the check's encoder so that tests compare two readings.
 */
public record LoginPacket(int capabilities, String user, byte[] authResponse, Optional<String> plugin) {
    public static LoginPacket parse(byte[] payload) {
        ByteBuffer b = ByteBuffer.wrap(payload).order(ByteOrder.LITTLE_ENDIAN);
        int caps = b.getShort() & 0xffff;
        boolean v41 = (caps & ServerPackets.CLIENT_PROTOCOL_41) != 0;
        if (v41) {
            caps |= (b.getShort() & 0xffff) << 16;
            b.getInt(); // max packet
            b.get(); // charset
            b.position(b.position() + 23);
        } else {
            b.position(b.position() + 3); // max packet
        }
        String user = nulString(b);
        byte[] auth;
        if ((caps & ServerPackets.CLIENT_SECURE_CONNECTION) != 0) {
            auth = new byte[b.get() & 0xff];
            b.get(auth);
        } else {
            auth = nulString(b).getBytes(StandardCharsets.UTF_8);
        }
        Optional<String> plugin = (caps & ServerPackets.CLIENT_PLUGIN_AUTH) != 0 && b.hasRemaining()
                ? Optional.of(nulString(b))
                : Optional.empty();
        if (b.hasRemaining()) {
            throw new IllegalArgumentException("login packet has " + b.remaining() + " trailing bytes: "
                    + Arrays.toString(Arrays.copyOfRange(payload, b.position(), payload.length)));
        }
        return new LoginPacket(caps, user, auth, plugin);
    }

    private static String nulString(ByteBuffer b) {
        ByteArrayOutputStream s = new ByteArrayOutputStream();
        byte c;
        while ((c = b.get()) != 0) {
            s.write(c);
        }
        return s.toString(StandardCharsets.UTF_8);
    }
}
