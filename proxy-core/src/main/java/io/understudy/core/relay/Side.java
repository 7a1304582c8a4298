package io.understudy.core.relay;

import io.understudy.core.session.TerminationCause;

/** Which end of a session a relay handler reads from. */
enum Side {
    CLIENT(TerminationCause.CLIENT_CLOSED, TerminationCause.CLIENT_ERROR, TerminationCause.CLIENT_TIMEOUT),
    SERVER(TerminationCause.SERVER_CLOSED, TerminationCause.SERVER_ERROR, TerminationCause.SERVER_TIMEOUT);

    final TerminationCause closed;
    final TerminationCause error;
    final TerminationCause timeout;

    Side(TerminationCause closed, TerminationCause error, TerminationCause timeout) {
        this.closed = closed;
        this.error = error;
        this.timeout = timeout;
    }
}
