package io.understudy.core.session;

/**
 * Told when a session has ended. Called on the session's event loop, once per session: implementations must return at
 * once and never block (queue the work elsewhere).
 */
@FunctionalInterface
public interface SessionListener {
    void sessionEnded(ProxySession session, long totalMillis, TerminationCause cause);
}
