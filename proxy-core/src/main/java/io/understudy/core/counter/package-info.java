/**
 * Traffic counters shared by frontends, backends and servers: written on event loops without locks, read by
 * {@code show stat} and metrics without slowing the relay.
 */
package io.understudy.core.counter;
