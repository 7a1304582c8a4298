package io.understudy.admin;

import io.understudy.admin.peers.PeerSync;
import io.understudy.checks.HealthChecker;
import io.understudy.checks.fence.WriterFence;
import io.understudy.core.ProxyEngine;
import java.util.Optional;

/**
 * What admin commands, stats and metrics need from the running proxy: the engine (frontends, backends, control plane,
 * sessions) and the health checker (check state, pausing checks), plus process facts for {@code show info}.
 *
 * @param engine the forwarding core
 * @param health the health checker
 * @param version the product version, e.g. {@code 0.1.0}
 * @param pid this process's id
 * @param startMillis wall-clock time the process started
 * @param peers the pair link, when the config has a {@code peers} section
 * @param fence the pair's writer lock on the database, when {@code peers.writer-lock} is on
 * @param reloader reloads the configuration file in place ({@code reload}), when the proxy runs from one
 * @param handover what this process gives a new version taking over from it ({@code _getsocks}, {@code _handover})
 */
public record AdminContext(
        ProxyEngine engine,
        HealthChecker health,
        String version,
        long pid,
        long startMillis,
        Optional<PeerSync> peers,
        Optional<WriterFence> fence,
        Optional<io.understudy.core.reload.ConfigReloader> reloader,
        Optional<Handover> handover) {
    /** A proxy that cannot hand over to a new version. */
    public AdminContext(
            ProxyEngine engine,
            HealthChecker health,
            String version,
            long pid,
            long startMillis,
            Optional<PeerSync> peers,
            Optional<WriterFence> fence,
            Optional<io.understudy.core.reload.ConfigReloader> reloader) {
        this(engine, health, version, pid, startMillis, peers, fence, reloader, Optional.empty());
    }

    /** A proxy that cannot reload. */
    public AdminContext(
            ProxyEngine engine,
            HealthChecker health,
            String version,
            long pid,
            long startMillis,
            Optional<PeerSync> peers,
            Optional<WriterFence> fence) {
        this(engine, health, version, pid, startMillis, peers, fence, Optional.empty());
    }

    /** A proxy without a pair. */
    public AdminContext(ProxyEngine engine, HealthChecker health, String version, long pid, long startMillis) {
        this(engine, health, version, pid, startMillis, Optional.empty(), Optional.empty(), Optional.empty());
    }
}
