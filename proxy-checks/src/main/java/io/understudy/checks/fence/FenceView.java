package io.understudy.checks.fence;

import java.util.Optional;

/**
 * Where one backend's writer lock is, as the fence last saw it: for {@code show peers} and metrics.
 *
 * @param backend the backend's name
 * @param state {@code holding} (this proxy holds the lock on {@code server}), {@code adopted} (another proxy holds it
 *     on {@code server}, so this proxy routes there), {@code following} (not the decider: holds nothing),
 *     {@code blocked} (new sessions wait: another proxy's claim or two writer locks in sight and none to follow, whose
 *     open sessions are closed too; a claim's grace; or a hold kept from such a block while this proxy cannot check
 *     its own writer's lock), {@code waiting} (no server to lock, or its server unreachable), {@code off} (the server
 *     refuses named locks)
 * @param server the server the lock is on
 * @param holder the connection id holding it
 * @param detail one line for the operator
 */
public record FenceView(String backend, String state, Optional<String> server, Optional<Long> holder, String detail) {}
