package io.understudy.core.session;

/**
 * Why a session ended. Every session ends with exactly one cause, which is logged and counted. The two-letter code is
 * HAProxy's log termination state (first letter: what ended it; second: the session's phase then: C connecting, D data
 * transfer), so log parsers written for HAProxy's tcplog keep working.
 */
public enum TerminationCause {
    /** The client closed the connection normally. */
    CLIENT_CLOSED("--"),
    /** The server closed the connection normally (for example MySQL's wait_timeout or COM_QUIT handling). */
    SERVER_CLOSED("--"),
    /** The client's connection failed (reset, broken pipe). */
    CLIENT_ERROR("CD"),
    /** The server's connection failed (reset, broken pipe). */
    SERVER_ERROR("SD"),
    /** The client left before a server connection was made. */
    CLIENT_ABORTED_CONNECT("CC"),
    /** The client was inactive for longer than {@code timeout client}. */
    CLIENT_TIMEOUT("cD"),
    /** The server was inactive for longer than {@code timeout server}. */
    SERVER_TIMEOUT("sD"),
    /** Every connect attempt (with retries and redispatch) failed. */
    CONNECT_FAILED("SC"),
    /** No server of the backend was usable. */
    NO_SERVER("SC"),
    /**
     * The session waited in the backend's queue (every usable server at its {@code maxconn}) for longer than
     * {@code timeout queue}.
     */
    QUEUE_TIMEOUT("sQ"),
    /** The client left while its session waited in the backend's queue. */
    CLIENT_ABORTED_QUEUE("cQ"),
    /** Closed by an operator ({@code shutdown session}, {@code shutdown sessions server}). */
    KILLED_BY_ADMIN("KD"),
    /** Closed because its server was marked down ({@code on-marked-down shutdown-sessions}). */
    SERVER_MARKED_DOWN("DD"),
    /** Closed because an active server came back and backups yield ({@code on-marked-up shutdown-backup-sessions}). */
    BACKUP_YIELDED("UD"),
    /** Closed because the proxy was stopping and the grace period ran out. */
    PROXY_STOPPING("KD"),
    /**
     * A resource of this proxy ran out while connecting to the server (no file descriptor left): HAProxy's {@code R}
     * ("a resource on the proxy has been exhausted"), in the connect phase.
     */
    LOCAL_RESOURCE("RC"),
    /** An internal error in the proxy (a bug: logged at WARN with the exception). */
    INTERNAL_ERROR("PD");

    private final String haproxyCode;

    TerminationCause(String haproxyCode) {
        this.haproxyCode = haproxyCode;
    }

    /** HAProxy's two-character termination state for this cause. */
    public String haproxyCode() {
        return haproxyCode;
    }

    /** Whether the client had already gone when the session ended: nobody is left to send an error to. */
    public boolean clientGone() {
        return this == CLIENT_ABORTED_CONNECT || this == CLIENT_ABORTED_QUEUE;
    }

    /** Ended by the client's side in the data phase (HAProxy's {@code cli_abrt}: {@code CD}, {@code cD}). */
    public boolean clientAbort() {
        return this == CLIENT_ERROR || this == CLIENT_TIMEOUT;
    }

    /** Ended by the server's side in the data phase (HAProxy's {@code srv_abrt}: {@code SD}, {@code sD}). */
    public boolean serverAbort() {
        return this == SERVER_ERROR || this == SERVER_TIMEOUT;
    }

    /** The lower-case name used in logs and metrics labels. */
    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
