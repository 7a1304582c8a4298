/**
 * The control plane: the single writer of server state. Health checks, admin commands and (later) the peer protocol
 * all change servers through {@link io.understudy.core.control.ControlPlane}, which serialises changes on one thread,
 * republishes backend snapshots, logs each transition HAProxy's way and tells its observers.
 */
package io.understudy.core.control;
