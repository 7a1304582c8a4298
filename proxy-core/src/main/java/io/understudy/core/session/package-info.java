/**
 * Client sessions: one {@link io.understudy.core.session.ProxySession} per client connection, the
 * {@link io.understudy.core.session.SessionRegistry} that lists and closes them, and the
 * {@link io.understudy.core.session.TerminationCause} every session ends with.
 */
package io.understudy.core.session;
