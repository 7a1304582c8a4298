package io.understudy.core.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** A reload's changes to one backend's or frontend's settings, in the config's words: {@code timeout.server 1m -> 2m}. */
public final class SettingsDiff {
    private SettingsDiff() {}

    /** The backend settings (not its servers) that differ, comma-separated; empty when none does. */
    public static String describe(BackendConfig a, BackendConfig b) {
        List<String> out = new ArrayList<>();
        add(out, "retries", a.retries(), b.retries());
        add(out, "redispatch", a.redispatch(), b.redispatch());
        add(out, "retry-delay", a.retryDelay(), b.retryDelay());
        add(out, "timeout.connect", a.connectTimeout(), b.connectTimeout());
        add(out, "timeout.server", a.serverTimeout(), b.serverTimeout());
        add(out, "timeout.queue", a.queueTimeout(), b.queueTimeout());
        FailoverPolicy f = a.failover();
        FailoverPolicy g = b.failover();
        add(out, "failback", f.failback(), g.failback());
        add(out, "on-marked-down shutdown-sessions", f.shutdownSessionsOnDown(), g.shutdownSessionsOnDown());
        add(
                out,
                "on-marked-up shutdown-backup-sessions",
                f.shutdownBackupSessionsOnUp(),
                g.shutdownBackupSessionsOnUp());
        add(out, "failback-delay", f.failbackDelay(), g.failbackDelay());
        add(out, "timeout.drain", f.drainTimeout(), g.drainTimeout());
        return String.join(", ", out);
    }

    /** The frontend settings that differ, comma-separated; empty when none does. */
    public static String describe(FrontendConfig a, FrontendConfig b) {
        List<String> out = new ArrayList<>();
        add(out, "maxconn", a.maxconn(), b.maxconn());
        add(out, "timeout.client", a.clientTimeout(), b.clientTimeout());
        add(out, "accept-proxy", a.acceptProxy(), b.acceptProxy());
        return String.join(", ", out);
    }

    private static void add(List<String> out, String key, Object was, Object now) {
        if (!Objects.equals(was, now)) {
            out.add(key + " " + text(was) + " -> " + text(now));
        }
    }

    private static String text(Object v) {
        return v instanceof Duration d
                ? DurationText.format(d)
                : String.valueOf(v).toLowerCase(java.util.Locale.ROOT);
    }
}
