/**
 * The runtime model: backends, servers, their operational state, admin flags, weights and health, published as
 * immutable values, and the {@link io.understudy.core.model.ControlPlane}, the only writer of them.
 */
package io.understudy.core.model;
