/**
 * Understudy's forwarding core. {@link io.understudy.core.ProxyEngine} assembles frontends, backends, the control
 * plane and the session registry from a {@link io.understudy.core.config.ProxyConfig}; the launcher adds checks,
 * admin and metrics around it.
 */
package io.understudy.core;
