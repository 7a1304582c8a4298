/**
 * Startup configuration: immutable records read from HOCON by {@link io.understudy.core.config.ConfigLoader}.
 * A {@code listen.<name>} section yields a frontend and a backend both named {@code <name>}, as in HAProxy.
 */
package io.understudy.core.config;
