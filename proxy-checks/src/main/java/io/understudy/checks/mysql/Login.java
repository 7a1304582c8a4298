package io.understudy.checks.mysql;

import io.understudy.core.config.CheckConfig.MySqlVariant;

/** Who the check logs in as, and with which handshake variant. Its text form never shows the password. */
record Login(String user, String password, MySqlVariant variant) {
    @Override
    public String toString() {
        return user + (password.isEmpty() ? "" : " (with password)") + ", " + variant;
    }
}
