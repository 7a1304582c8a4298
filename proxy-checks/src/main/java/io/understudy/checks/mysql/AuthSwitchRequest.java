package io.understudy.checks.mysql;

/**
 * A server's request to continue the login with another auth plugin and a fresh salt ({@code 0xfe}, plugin name, data).
 * The one-byte form is the pre-4.1 request for {@code mysql_old_password}, which has no name and reuses the greeting's
 * salt.
 */
record AuthSwitchRequest(String plugin, byte[] salt) {
    static final int MARKER = 0xfe;
    static final String OLD_PASSWORD = "mysql_old_password";

    static AuthSwitchRequest parse(byte[] payload, byte[] greetingSalt) throws MalformedPacketException {
        if (payload.length == 1) {
            return new AuthSwitchRequest(OLD_PASSWORD, greetingSalt);
        }
        PayloadReader r = new PayloadReader(payload, "auth switch request");
        r.skip(1);
        String plugin = r.nulString(true);
        byte[] data = r.rest();
        // The data is the new salt followed by a NUL, like part 2 of the greeting.
        int length = data.length > 0 && data[data.length - 1] == 0 ? data.length - 1 : data.length;
        byte[] salt = new byte[length];
        System.arraycopy(data, 0, salt, 0, length);
        return new AuthSwitchRequest(plugin, salt);
    }
}
