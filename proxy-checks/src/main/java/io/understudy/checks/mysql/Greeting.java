package io.understudy.checks.mysql;

import java.util.Optional;

/**
 * The parts of a server's initial handshake packet (protocol version 10) that a login needs: the version to report,
 * the capabilities, the 20-byte salt and the default auth plugin.
 *
 * @param serverVersion as the server announced it, minus MariaDB's {@code 5.5.5-} compatibility prefix
 * @param capabilities the server's capability flags (lower and upper 16 bits)
 * @param salt the auth plugin data: part 1 and part 2 without the trailing NUL (20 bytes on any modern server)
 * @param authPlugin the plugin the server expects by default, when it announces plugins
 */
record Greeting(String serverVersion, int capabilities, byte[] salt, Optional<String> authPlugin) {
    private static final int PROTOCOL_V10 = 10;
    private static final String MARIADB_PREFIX = "5.5.5-";

    static Greeting parse(byte[] payload) throws MalformedPacketException {
        PayloadReader r = new PayloadReader(payload, "server greeting");
        int protocol = r.u8();
        if (protocol != PROTOCOL_V10) {
            throw new MalformedPacketException("not a MySQL server greeting (protocol version " + protocol + ")");
        }
        String version = r.nulString(false);
        r.skip(4); // connection id
        byte[] part1 = r.bytes(8);
        r.skip(1); // filler
        int capabilities = r.u16();
        byte[] part2 = new byte[0];
        Optional<String> plugin = Optional.empty();
        if (r.remaining() > 0) {
            r.skip(1); // character set
            r.skip(2); // status flags
            capabilities |= r.u16() << 16;
            int authDataLength = r.u8();
            r.skip(10); // reserved; MariaDB keeps its extended capabilities here
            if ((capabilities & Capabilities.CLIENT_SECURE_CONNECTION) != 0) {
                part2 = r.bytes(Math.min(r.remaining(), Math.max(13, authDataLength - 8)));
            }
            if ((capabilities & Capabilities.CLIENT_PLUGIN_AUTH) != 0 && r.remaining() > 0) {
                // MySQL 5.5.7-5.5.9 forgot the NUL; read to the end then.
                plugin = Optional.of(r.nulString(true)).filter(p -> !p.isEmpty());
            }
        }
        return new Greeting(displayVersion(version), capabilities, salt(part1, part2), plugin);
    }

    /** MariaDB 10+ prefixes its version with "5.5.5-" so that old clients accept it; MariaDB's own clients drop it. */
    private static String displayVersion(String version) {
        return version.startsWith(MARIADB_PREFIX) && version.contains("MariaDB")
                ? version.substring(MARIADB_PREFIX.length())
                : version;
    }

    private static byte[] salt(byte[] part1, byte[] part2) {
        int part2Length = part2.length > 0 && part2[part2.length - 1] == 0 ? part2.length - 1 : part2.length;
        byte[] salt = new byte[part1.length + part2Length];
        System.arraycopy(part1, 0, salt, 0, part1.length);
        System.arraycopy(part2, 0, salt, part1.length, part2Length);
        return salt;
    }
}
