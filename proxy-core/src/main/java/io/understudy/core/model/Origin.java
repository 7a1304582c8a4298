package io.understudy.core.model;

import java.util.Locale;

/** Where a change of the model came from; every event carries one, so an operator can tell who moved traffic. */
public enum Origin {
    /** The initial state computed from the configuration. */
    STARTUP,
    /** An active health check. */
    HEALTH,
    /** Live traffic: a client's connect to a server failed (a passive health signal). */
    TRAFFIC,
    /** An operator, on the admin socket. */
    CLI,
    /** The admin-state file, restored at start. */
    STATE_FILE,
    /** The other proxy of a pair. */
    PEER,
    /** The pair's writer lock on the database: another proxy holds it on a server, so traffic goes there. */
    FENCE,
    /** A configuration reload. */
    RELOAD,
    /** The resolvers: a server's host name resolved to another address ({@code global.resolve-interval}). */
    DNS;

    /** The lower-case word {@code show events} and the logs print. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
