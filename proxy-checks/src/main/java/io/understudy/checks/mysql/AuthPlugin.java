package io.understudy.checks.mysql;

import java.util.Optional;

/** The auth plugins the check can log in with, by their protocol names, each with its scramble. */
enum AuthPlugin {
    MYSQL_NATIVE_PASSWORD("mysql_native_password"),
    CACHING_SHA2_PASSWORD("caching_sha2_password");

    private final String protocolName;

    AuthPlugin(String protocolName) {
        this.protocolName = protocolName;
    }

    String protocolName() {
        return protocolName;
    }

    static Optional<AuthPlugin> byName(String name) {
        for (AuthPlugin p : values()) {
            if (p.protocolName.equals(name)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    byte[] scramble(String password, byte[] salt) {
        return this == MYSQL_NATIVE_PASSWORD
                ? Scrambles.nativePassword(password, salt)
                : Scrambles.cachingSha2Password(password, salt);
    }
}
