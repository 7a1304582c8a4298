package io.understudy.admin.command;

import io.understudy.core.config.AdminSocketConfig.Level;

/**
 * The state of one admin connection that commands may change: its level (lowered by {@code operator} and
 * {@code user}, never raised), interactive mode ({@code prompt}), and whether the client asked to {@code quit}. Owned by
 * the connection's event loop: only synchronous commands touch it, so its fields are plain.
 */
public final class CliSession {
    /**
     * Ids of admin connections in {@code show sess}: above every client session's, so that {@code shutdown session}
     * never mistakes one for the other.
     */
    static final long ID_BASE = 1L << 40;

    private static final java.util.concurrent.atomic.AtomicLong IDS = new java.util.concurrent.atomic.AtomicLong();

    private final long id = ID_BASE + IDS.incrementAndGet();
    private final long startMillis = System.currentTimeMillis();
    private Level level;
    private boolean interactive;
    private boolean timedPrompt;
    private boolean suppressNextLf;
    private boolean quitRequested;

    /** Writes a message other than text on the connection (a descriptor, for {@code _getsocks}); event loop only. */
    private java.util.function.Consumer<Object> raw = m -> {
        throw new IllegalStateException("not attached to a connection");
    };

    /** The connection's handler gives its writer: a command may then send {@link #sendRaw} messages. */
    public void attach(java.util.function.Consumer<Object> writer) {
        this.raw = writer;
    }

    /** Writes {@code message} on the connection, ahead of the command's reply. */
    void sendRaw(Object message) {
        raw.accept(message);
    }

    /** Whether its socket has {@code expose-fd listeners}: the takeover commands work only then. */
    private final boolean exposeFd;

    /** A new connection starts at its socket's level, non-interactive. */
    public CliSession(Level socketLevel) {
        this(socketLevel, false);
    }

    public CliSession(Level socketLevel, boolean exposeFdListeners) {
        this.level = socketLevel;
        this.exposeFd = exposeFdListeners;
    }

    /** Whether this connection may take the listening sockets over ({@code expose-fd listeners}). */
    public boolean exposesFd() {
        return exposeFd;
    }

    public Level level() {
        return level;
    }

    /** This admin connection's id in {@code show sess}. */
    public long id() {
        return id;
    }

    /** When this admin connection was opened (wall clock). */
    public long startMillis() {
        return startMillis;
    }

    /** Lowers the level for the rest of the connection; a higher level is ignored (the registry refuses it first). */
    public void lowerTo(Level target) {
        if (target.compareTo(level) < 0) {
            level = target;
        }
    }

    /** Whether the client is at the {@code user} level, where {@code show stat} blanks sensitive columns. */
    public boolean userLevel() {
        return level == Level.USER;
    }

    public boolean interactive() {
        return interactive;
    }

    /** Whether the interactive prompt shows the uptime ({@code prompt timed}). */
    public boolean timedPrompt() {
        return timedPrompt;
    }

    /** {@code prompt}: toggles interactive mode, as HAProxy does. */
    public void togglePrompt() {
        interactive = !interactive;
    }

    /** {@code prompt timed}: interactive mode on, uptime in the prompt toggled. */
    public void toggleTimedPrompt() {
        interactive = true;
        timedPrompt = !timedPrompt;
    }

    /** {@code operator -} / {@code user -}: the next reply ends without the empty line (HAProxy's NOLF). */
    public void suppressNextLf() {
        suppressNextLf = true;
    }

    /** Whether the reply just produced ends without the empty line; clears the flag (it lasts one command). */
    public boolean takeSuppressedLf() {
        boolean s = suppressNextLf;
        suppressNextLf = false;
        return s;
    }

    /** {@code quit}: the connection closes after this command. */
    public void requestQuit() {
        quitRequested = true;
    }

    public boolean quitRequested() {
        return quitRequested;
    }
}
