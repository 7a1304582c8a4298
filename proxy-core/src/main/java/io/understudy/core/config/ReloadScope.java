package io.understudy.core.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * What a reload in place can change, and what only a restart can: a reload applies to the running model (servers,
 * timeouts, retries, checks, failover policy, maxconn), while sockets, threads and the routing algorithm are fixed for
 * the life of the process. A reload asking for any of the latter is refused as a whole, so that after a reload the
 * running proxy is exactly what its file says, never a mix.
 */
public final class ReloadScope {
    private ReloadScope() {}

    /** Every difference between {@code running} and {@code next} that a reload cannot apply, in an operator's words. */
    public static List<String> needsRestart(ProxyConfig running, ProxyConfig next) {
        List<String> out = new ArrayList<>();
        List<String> was = running.listens().stream().map(ListenConfig::name).toList();
        List<String> now = next.listens().stream().map(ListenConfig::name).toList();
        if (!was.equals(now)) {
            out.add("listen sections " + was + " -> " + now + " (adding, removing or reordering listen sections)");
        }
        Map<String, ListenConfig> before =
                running.listens().stream().collect(Collectors.toMap(ListenConfig::name, Function.identity()));
        for (ListenConfig l : next.listens()) {
            ListenConfig old = before.get(l.name());
            if (old == null) {
                continue;
            }
            String at = "listen." + l.name();
            differs(out, at + ".bind", old.frontend().bind(), l.frontend().bind());
            BackendConfig a = old.backend();
            BackendConfig b = l.backend();
            differs(out, at + ".balance", a.balance(), b.balance());
            differs(out, at + ".allbackups", a.allBackups(), b.allBackups());
            if (a.writerRole() != b.writerRole()) {
                out.add(at + " (its servers make it " + (b.writerRole() ? "a writer" : "a pool") + ", it was "
                        + (a.writerRole() ? "a writer" : "a pool") + ")");
            }
            differs(out, at + ".timeout.greeting", a.greetingTimeout(), b.greetingTimeout());
            for (ServerConfig s : b.servers()) {
                a.server(s.name())
                        .ifPresent(o -> differs(out, at + " server " + s.name() + " backup", o.backup(), s.backup()));
            }
        }
        differs(
                out,
                "global.io-threads",
                running.global().ioThreads(),
                next.global().ioThreads());
        differs(
                out,
                "global.state-file",
                running.global().stateFile(),
                next.global().stateFile());
        differs(
                out,
                "global.log-format",
                running.global().logFormat(),
                next.global().logFormat());
        differs(out, "global.log", running.global().logTargets(), next.global().logTargets());
        differs(
                out,
                "global.resolve-interval",
                running.global().resolveInterval(),
                next.global().resolveInterval());
        differs(out, "admin", running.admin(), next.admin());
        differs(out, "metrics", running.metrics(), next.metrics());
        differs(out, "peers", running.peers(), next.peers());
        return out;
    }

    private static void differs(List<String> out, String key, Object was, Object now) {
        if (Objects.equals(was, now)) {
            return;
        }
        if (was instanceof AdminConfig || isPeers(was) || isPeers(now)) {
            // Socket modes and the pair's secret stay out of logs and replies.
            out.add(key + " (changed)");
        } else {
            out.add(key + " (" + show(was) + " -> " + show(now) + ")");
        }
    }

    private static boolean isPeers(Object v) {
        return v instanceof java.util.Optional<?> o && o.isPresent() && o.get() instanceof PeersConfig;
    }

    private static String show(Object v) {
        if (v instanceof java.util.Optional<?> o) {
            return o.map(ReloadScope::show).orElse("unset");
        }
        if (v instanceof java.time.Duration d) {
            return DurationText.format(d);
        }
        if (v instanceof Enum<?> e) {
            return e.name().toLowerCase(java.util.Locale.ROOT);
        }
        return String.valueOf(v);
    }
}
