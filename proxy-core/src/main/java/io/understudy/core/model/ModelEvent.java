package io.understudy.core.model;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * What one commit changed, as observers (session shutdown, logs, the state file, metrics, {@code show events}) receive
 * it: the generation, the origin, the object, its value before and after, and why. Observers only read events; none
 * writes back.
 */
public sealed interface ModelEvent {
    /** The model generation this change produced. */
    long generation();

    Origin origin();

    /** Wall-clock time of the commit. */
    long atMillis();

    Reason reason();

    /** {@code backend/server} or the backend's name. */
    String object();

    /** What changed, {@code before -> after}, in an operator's words. */
    String change();

    /**
     * Whether an operator would see the change (state, flags, weight, health counter, checks on or off, where traffic
     * goes), as opposed to bookkeeping alone (a check counter, the live-traffic failure that the next check clears).
     * Only visible events are logged and kept for {@code show events}.
     */
    boolean visible();

    /** Whether this change altered an operator's decisions (maintenance, drain, weight, a pin): the admin state. */
    default boolean changesDecisions() {
        return (this instanceof ServerChanged s && s.adminChanged())
                || (this instanceof TrafficMoved t && t.pinChanged())
                || this instanceof ServerAdded
                || this instanceof ServerRemoved
                || (this instanceof FrontendChanged f && f.decisionChanged())
                || this instanceof LimitsChanged
                // What the decisions are measured against changed: the state file is written again.
                || this instanceof ConfigReloaded;
    }

    /** One line for {@code show events} and the log: time, generation, origin, object, change, reason. */
    default String line() {
        return Instant.ofEpochMilli(atMillis()) + " #" + generation() + " " + origin().label() + " " + object() + " "
                + change() + " (" + reason().text() + ")";
    }

    /**
     * One server's state changed.
     *
     * @param backendBefore its backend's snapshot before the commit
     * @param backendAfter its backend's snapshot after the commit
     */
    record ServerChanged(
            long generation,
            Origin origin,
            long atMillis,
            Reason reason,
            Server server,
            ServerState before,
            ServerState after,
            BackendSnapshot backendBefore,
            BackendSnapshot backendAfter)
            implements ModelEvent {
        @Override
        public String object() {
            return server.id();
        }

        @Override
        public boolean visible() {
            return !before.sameVisible(after);
        }

        @Override
        public String change() {
            List<String> parts = new ArrayList<>();
            String a = status(before);
            String b = status(after);
            if (!a.equals(b)) {
                parts.add(a + " -> " + b);
            }
            if (before.weight() != after.weight()) {
                parts.add("weight " + before.weight() + " -> " + after.weight());
            }
            String settings = after.settings().changesFrom(before.settings());
            if (!settings.isEmpty()) {
                parts.add(settings);
            }
            if (before.check().enabled() != after.check().enabled()) {
                parts.add("checks " + (after.check().enabled() ? "off -> on" : "on -> off"));
            }
            if (!before.check().health().equals(after.check().health())
                    && after.check().configured()) {
                parts.add("health " + before.check().health().health() + " -> "
                        + after.check().health().health() + "/"
                        + after.check().health().max());
            }
            return parts.isEmpty() ? "unchanged" : String.join(", ", parts);
        }

        /** Marked down by health checks or live traffic: was taking traffic, no longer is operational. */
        public boolean markedDown() {
            return before.op().takesTraffic() && !after.op().takesTraffic();
        }

        public boolean leftMaintenance() {
            return before.inMaintenance() && !after.inMaintenance();
        }

        /** The operator's decisions about this server changed: maintenance, drain, weight, address, maxconn, port. */
        public boolean adminChanged() {
            return !before.admin().equals(after.admin())
                    || before.weight() != after.weight()
                    || !before.settings().equals(after.settings());
        }

        /** Where checks go changed: address or check port. */
        public boolean checkTargetChanged() {
            return !before.settings().checkAddress().equals(after.settings().checkAddress());
        }

        private static String status(ServerState s) {
            if (s.inMaintenance()) {
                return "MAINT";
            }
            String op =
                    switch (s.op()) {
                        case RUNNING, STARTING -> "UP";
                        case STOPPED -> "DOWN";
                        case STOPPING -> "NOLB";
                    };
            return s.draining() ? op + "/DRAIN" : op;
        }
    }

    /** Where a backend's new sessions go changed: a failover, a failback, an operator's move or a pin. */
    record TrafficMoved(
            long generation,
            Origin origin,
            long atMillis,
            Reason reason,
            Backend backend,
            BackendSnapshot before,
            BackendSnapshot after)
            implements ModelEvent {
        @Override
        public String object() {
            return backend.name();
        }

        @Override
        public boolean visible() {
            return true;
        }

        @Override
        public String change() {
            String pin = after.pinned().equals(before.pinned())
                    ? ""
                    : ", pin " + name(before.pinned()) + " -> " + name(after.pinned());
            return "traffic " + names(before.targets()) + " -> " + names(after.targets()) + pin;
        }

        /** New sessions went to backups before and to an active server after (a failback). */
        public boolean returnedToActive() {
            return before.runningOnBackup() && !after.runningOnBackup() && !after.noServerAvailable();
        }

        public boolean pinChanged() {
            return !before.pinned().equals(after.pinned());
        }

        private static String name(Optional<Server> s) {
            return s.map(Server::name).orElse("none");
        }

        private static String names(List<Server> servers) {
            return servers.isEmpty()
                    ? "none"
                    : servers.stream().map(Server::name).collect(Collectors.joining("+"));
        }
    }

    /** {@code add server}: a server joined its backend (in maintenance, as HAProxy adds one). */
    record ServerAdded(long generation, Origin origin, long atMillis, Reason reason, Backend backend, Server server)
            implements ModelEvent {
        @Override
        public String object() {
            return server.id();
        }

        @Override
        public boolean visible() {
            return true;
        }

        @Override
        public String change() {
            return "added at " + server.state().settings().address() + (server.isBackup() ? " (backup)" : "");
        }
    }

    /** {@code del server}: a server left its backend; nothing routes to it any more. */
    record ServerRemoved(long generation, Origin origin, long atMillis, Reason reason, Backend backend, Server server)
            implements ModelEvent {
        @Override
        public String object() {
            return server.id();
        }

        @Override
        public boolean visible() {
            return true;
        }

        @Override
        public String change() {
            return "deleted";
        }
    }

    /** A frontend was disabled, enabled, shut down or given another maxconn. */
    record FrontendChanged(
            long generation,
            Origin origin,
            long atMillis,
            Reason reason,
            String frontend,
            FrontendState before,
            FrontendState after)
            implements ModelEvent {
        @Override
        public String object() {
            return frontend;
        }

        @Override
        public boolean visible() {
            return true;
        }

        @Override
        public String change() {
            return after.changesFrom(before);
        }

        /** Disabled or maxconn: kept and shared. A shutdown is not (it lasts until the process restarts). */
        public boolean decisionChanged() {
            return before.disabled() != after.disabled() || before.maxconn() != after.maxconn();
        }
    }

    /**
     * A reload gave a server new settings from the config (checks, weight, maxconn, address, its {@code sid}); its
     * state, where the settings touch it, changes in a {@link ServerChanged} of the same commit.
     *
     * @param change what changed, in an operator's words
     */
    record ServerReconfigured(
            long generation,
            Origin origin,
            long atMillis,
            Reason reason,
            Backend backend,
            Server server,
            io.understudy.core.config.ServerConfig before,
            io.understudy.core.config.ServerConfig after,
            String change)
            implements ModelEvent {
        @Override
        public String object() {
            return server.id();
        }

        @Override
        public boolean visible() {
            return true;
        }

        /**
         * Whether the server's health check changed, or the PROXY header its checks send ({@code send-proxy}): its
         * checker must be rebuilt.
         */
        public boolean checkChanged() {
            return !before.check().equals(after.check()) || before.sendProxy() != after.sendProxy();
        }
    }

    /**
     * A reload changed a backend's or a frontend's settings (timeouts, retries, failover policy): they apply to the
     * sessions that start from now on.
     *
     * @param object the backend's or frontend's name
     * @param change what changed, in an operator's words
     */
    record SettingsReloaded(long generation, Origin origin, long atMillis, Reason reason, String object, String change)
            implements ModelEvent {
        @Override
        public boolean visible() {
            return true;
        }
    }

    /**
     * A reload committed: the whole of {@code config} is in force from this generation on. Last of its commit's
     * events, after one per changed object.
     *
     * @param summary how many objects changed, for the log and {@code show events}
     */
    record ConfigReloaded(
            long generation,
            Origin origin,
            long atMillis,
            Reason reason,
            io.understudy.core.config.ProxyConfig config,
            String summary)
            implements ModelEvent {
        @Override
        public String object() {
            return "config";
        }

        @Override
        public boolean visible() {
            return true;
        }

        @Override
        public String change() {
            return summary;
        }
    }

    /** {@code set maxconn global} or {@code set rate-limit connections global}. */
    record LimitsChanged(
            long generation, Origin origin, long atMillis, Reason reason, ProcessLimits before, ProcessLimits after)
            implements ModelEvent {
        @Override
        public String object() {
            return "global";
        }

        @Override
        public boolean visible() {
            return true;
        }

        @Override
        public String change() {
            return after.changesFrom(before);
        }
    }
}
