package io.understudy.checks.mysql;

import io.understudy.core.config.CheckConfig.MySqlVariant;

/** The client capability flags of the MySQL protocol that the check uses, and the set each variant announces. */
final class Capabilities {
    static final int CLIENT_LONG_PASSWORD = 0x0000_0001;
    static final int CLIENT_CONNECT_WITH_DB = 0x0000_0008;
    static final int CLIENT_PROTOCOL_41 = 0x0000_0200;
    static final int CLIENT_SSL = 0x0000_0800;
    static final int CLIENT_TRANSACTIONS = 0x0000_2000;
    static final int CLIENT_SECURE_CONNECTION = 0x0000_8000;
    static final int CLIENT_PLUGIN_AUTH = 0x0008_0000;

    private Capabilities() {}

    /**
     * What the check announces to a server offering {@code serverCapabilities}. Post-4.1 announces the 4.1 protocol with
     * 20-byte scrambles, and names its auth plugin when the server knows plugins (MySQL 8 needs that to accept a
     * login without switching). Pre-4.1 announces only what HAProxy's {@code pre-41} does. Never a database (the
     * check user may have none) and never SSL.
     */
    static int client(MySqlVariant variant, int serverCapabilities) {
        if (variant == MySqlVariant.PRE_41) {
            return CLIENT_SECURE_CONNECTION;
        }
        int caps = CLIENT_LONG_PASSWORD | CLIENT_PROTOCOL_41 | CLIENT_TRANSACTIONS | CLIENT_SECURE_CONNECTION;
        if ((serverCapabilities & CLIENT_PLUGIN_AUTH) != 0) {
            caps |= CLIENT_PLUGIN_AUTH;
        }
        return caps;
    }
}
