/**
 * Servers and their state: an operational state ({@link io.understudy.core.server.OpState}) and separate admin flags
 * ({@link io.understudy.core.server.AdminFlag}), held as immutable {@link io.understudy.core.server.ServerState}
 * values that only the control plane writes.
 */
package io.understudy.core.server;
