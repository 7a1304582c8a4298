/**
 * The byte pump between a client and its server: {@link io.understudy.core.relay.RelayHandler}, one per side, with
 * backpressure, half-close and idle timeouts. Both sides of a session live on one event loop.
 */
package io.understudy.core.relay;
