package io.understudy.core.model;

import io.understudy.core.backend.ConnectFailure;
import io.understudy.core.config.HostPort;
import java.net.InetSocketAddress;
import java.util.Objects;
import java.util.Optional;

/**
 * A request to change the model, the only way to change it: handed to {@link ControlPlane#apply}, which runs commands
 * one at a time on its thread and answers each with a {@link Commit}.
 */
public sealed interface ControlCommand {
    /** Who asks. */
    Origin origin();

    /** An operator sets a server ready, draining or in maintenance. */
    record SetAdminMode(Server server, AdminMode mode, Origin origin, String why) implements ControlCommand {
        public SetAdminMode {
            Objects.requireNonNull(server, "server");
            Objects.requireNonNull(mode, "mode");
        }
    }

    /** An operator sets a server's weight, 0..256. */
    record SetWeight(Server server, int weight, Origin origin) implements ControlCommand {
        public SetWeight {
            if (weight < 0 || weight > 256) {
                throw new IllegalArgumentException("weight must be 0..256: " + weight);
            }
        }
    }

    /** {@code set server addr}: new sessions and checks go to {@code address}; sessions already open stay. */
    record SetAddress(Server server, HostPort address, Origin origin) implements ControlCommand {
        public SetAddress {
            Objects.requireNonNull(address, "address");
        }
    }

    /** {@code set maxconn server}: at most {@code maxconn} sessions at once, 0 for no limit. */
    record SetMaxconn(Server server, int maxconn, Origin origin) implements ControlCommand {
        public SetMaxconn {
            if (maxconn < 0) {
                throw new IllegalArgumentException("maxconn must be >= 0: " + maxconn);
            }
        }
    }

    /** {@code set server check-port}: health checks connect to this port (0: the server's own). */
    record SetCheckPort(Server server, int port, Origin origin) implements ControlCommand {
        public SetCheckPort {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port must be 0..65535: " + port);
            }
        }
    }

    /**
     * {@code set server health up|stopping|down}: forces the operational state and the health counter, as HAProxy
     * does; a checked server's next checks move it again. Not an operator's lasting decision: neither the state file
     * nor the peer carries it.
     */
    record ForceHealth(Server server, OpState op, Origin origin) implements ControlCommand {
        public ForceHealth {
            Objects.requireNonNull(op, "op");
        }
    }

    /**
     * {@code add server}: a new server {@code name} in {@code backend}, in maintenance and with its checks off until an
     * operator enables them (HAProxy's rules). Refused when the backend has a server of that name.
     */
    record AddServer(Backend backend, String name, ServerSpec spec, Origin origin) implements ControlCommand {
        public AddServer {
            Objects.requireNonNull(backend, "backend");
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(spec, "spec");
        }
    }

    /**
     * {@code del server}: removes a server, refused unless it is in maintenance and has no session (HAProxy's rules), so
     * that deleting never cuts a client off.
     */
    record DeleteServer(Server server, Origin origin) implements ControlCommand {}

    /**
     * A reload: {@code config} becomes the configuration in force, as one commit. Servers it adds join (a checked one
     * down until its checks pass), servers it removes leave (at once when idle, else in maintenance once their
     * sessions have ended), changed settings apply to new sessions, and what operators changed at runtime stays unless
     * the file changed that very setting. The caller has checked with {@link
     * io.understudy.core.config.ReloadScope} that nothing in it needs a restart.
     *
     * @param source where the config came from, for the log
     */
    record Reload(io.understudy.core.config.ProxyConfig config, Origin origin, String source)
            implements ControlCommand {
        public Reload {
            Objects.requireNonNull(config, "config");
            Objects.requireNonNull(source, "source");
        }
    }

    /** What an operator does to a frontend. */
    enum FrontendAction {
        /** {@code disable frontend}: refuse new connections until enabled again. */
        DISABLE,
        /** {@code enable frontend}. */
        ENABLE,
        /** {@code shutdown frontend}: stop listening until the process restarts. */
        SHUTDOWN
    }

    /** {@code disable|enable|shutdown frontend}; refused with HAProxy's words when there is nothing to do. */
    record ChangeFrontend(String frontend, FrontendAction action, Origin origin) implements ControlCommand {
        public ChangeFrontend {
            Objects.requireNonNull(frontend, "frontend");
            Objects.requireNonNull(action, "action");
        }
    }

    /** {@code set maxconn frontend}: at most {@code maxconn} sessions at once on that frontend, at least 1. */
    record SetFrontendMaxconn(String frontend, int maxconn, Origin origin) implements ControlCommand {
        public SetFrontendMaxconn {
            if (maxconn < 1) {
                throw new IllegalArgumentException("maxconn must be >= 1: " + maxconn);
            }
        }
    }

    /** {@code set maxconn global}: at most {@code maxconn} sessions in the process, 0 for what the descriptors allow. */
    record SetGlobalMaxconn(int maxconn, Origin origin) implements ControlCommand {
        public SetGlobalMaxconn {
            if (maxconn < 0) {
                throw new IllegalArgumentException("maxconn must be >= 0: " + maxconn);
            }
        }
    }

    /** {@code set rate-limit connections global}: at most {@code perSecond} new connections a second, 0 for any. */
    record SetConnRateLimit(int perSecond, Origin origin) implements ControlCommand {
        public SetConnRateLimit {
            if (perSecond < 0) {
                throw new IllegalArgumentException("rate must be >= 0: " + perSecond);
            }
        }
    }

    /** {@code enable health} / {@code disable health}: turns a checked server's health checks on or off. */
    record SetChecksEnabled(Server server, boolean enabled, Origin origin) implements ControlCommand {}

    /**
     * An active health check completed.
     *
     * @param describe the result in HAProxy's words, for the log and {@code show events}
     * @param probed the address the check went to: a result for an address the server no longer has (a check that
     *     ran across {@code set server addr}) does not count
     */
    record CheckOutcome(Server server, CheckVerdict verdict, String describe, Optional<InetSocketAddress> probed)
            implements ControlCommand {
        public CheckOutcome(Server server, CheckVerdict verdict, String describe) {
            this(server, verdict, describe, Optional.empty());
        }

        @Override
        public Origin origin() {
            return Origin.HEALTH;
        }
    }

    /**
     * Live traffic could not connect to a server: counts as one failed check between two active checks.
     *
     * @param at the address the connect went to: a failure at an address the server no longer has does not count
     */
    record PassiveFailure(Server server, ConnectFailure failure, Optional<InetSocketAddress> at)
            implements ControlCommand {
        public PassiveFailure(Server server, ConnectFailure failure) {
            this(server, failure, Optional.empty());
        }

        @Override
        public Origin origin() {
            return Origin.TRAFFIC;
        }
    }

    /**
     * Moves a backend's new sessions: {@code target} present pins them to that server, which must be usable (the
     * command is refused otherwise); empty clears the pin so that the normal order applies again.
     */
    record MoveTraffic(Backend backend, Optional<Server> target, Origin origin, String why) implements ControlCommand {}

    /**
     * Makes the operators' decisions exactly {@code state}: what it lacks is cleared. See {@link AdminState} for the
     * restore rules.
     *
     * @param source where the state came from, for the log lines (a file's path, a peer's name)
     * @param ifCurrent when present, the import is refused unless the decisions in force still have this epoch: a
     *     peer's state judged newer than ours must not replace a change made here since
     */
    record ImportAdminState(AdminState state, Origin origin, String source, Optional<AdminState.Epoch> ifCurrent)
            implements ControlCommand {
        /** An unconditional import (the state file at start). */
        public ImportAdminState(AdminState state, Origin origin, String source) {
            this(state, origin, source, Optional.empty());
        }
    }

    /**
     * Holds a writer-role backend's new sessions in its queue for at most {@code hold} (the first phase of a graceful
     * switchover), or releases them ({@code hold} empty). A {@link MoveTraffic} releases a hold too. The hold ends by
     * itself at its end, so a switchover that never finishes cannot hold the traffic for good.
     */
    record HoldTraffic(Backend backend, Optional<java.time.Duration> hold, Origin origin, String why)
            implements ControlCommand {}

    /**
     * keepalived told this proxy its new VRRP state. Becoming {@link PairRole#MASTER} makes this proxy the decider:
     * its current decisions get the next epoch, so that the peer adopts them rather than the reverse.
     */
    record SetPairRole(PairRole role, Origin origin) implements ControlCommand {
        public SetPairRole {
            Objects.requireNonNull(role, "role");
        }
    }

    /**
     * Keeps the decisions in force and numbers them above {@code above}: the deciding proxy received a peer's state
     * that was not made on its own (two sides changed things apart), and the decider's state wins the conflict.
     */
    record Outrank(AdminState.Epoch above, Origin origin, String why) implements ControlCommand {}

    /**
     * Looks at a backend's routing again without any server changing: a server's {@code failback-delay} has run out.
     * The control plane schedules it itself; nothing changes when the routing is the same.
     */
    record Reconsider(Backend backend) implements ControlCommand {
        @Override
        public Origin origin() {
            return Origin.HEALTH;
        }
    }
}
