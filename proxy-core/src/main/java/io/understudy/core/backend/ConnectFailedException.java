package io.understudy.core.backend;

import io.understudy.core.session.TerminationCause;

/** Every attempt to reach a server for a session failed; says why for the log and the client. */
public final class ConnectFailedException extends Exception {
    private static final long serialVersionUID = 1L;

    private final transient TerminationCause cause;

    public ConnectFailedException(TerminationCause cause, String message) {
        super(message, null, false, false);
        this.cause = cause;
    }

    public TerminationCause terminationCause() {
        return cause;
    }
}
