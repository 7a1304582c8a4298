package io.understudy.admin.command;

/**
 * The admin socket's fixed replies. Those marked HAProxy are byte-identical to HAProxy 2.8 / 3.x (the reference's
 * §2.2-§2.4, §1.8 and §6.3; HAProxy 2.9 alone drops the {@code \n} of the three lookup errors, a bug fixed in 3.0).
 * Every reply ends with {@code \n}; the CLI then adds its own end-of-output line, so a client sees each text followed by
 * an empty line.
 */
public final class CliMessages {
    /** HAProxy, reference §2.2: any command above the connection's level. */
    public static final String PERMISSION_DENIED = "Permission denied\n";

    /** A proxy named by {@code show stat} or {@code show errors} that does not exist (HAProxy's text). */
    public static final String NO_SUCH_PROXY = "No such proxy.\n";

    /** {@code show sess <id>} with an id that names no session (HAProxy's text). */
    public static final String SESSION_NOT_FOUND = "Session not found.\n";

    /** HAProxy, reference §2.4 ({@code cli_find_server}): no {@code /}, or an empty side. */
    public static final String REQUIRE_BACKEND_SERVER = "Require 'backend/server'.\n";

    /** HAProxy, reference §2.4. */
    public static final String NO_SUCH_BACKEND = "No such backend.\n";

    /** HAProxy, reference §2.4. */
    public static final String NO_SUCH_SERVER = "No such server.\n";

    /** HAProxy, reference §1.8: {@code show servers state <unknown>}. */
    public static final String CANT_FIND_BACKEND = "Can't find backend.\n";

    /** HAProxy, reference §2.4: {@code set server b/s state <other>}. */
    public static final String SET_SERVER_STATE_EXPECTS =
            "'set server <srv> state' expects 'ready', 'drain' and 'maint'.\n";

    /** HAProxy, reference §2.4 ({@code server_parse_weight_change_request}): no weight given. */
    public static final String WEIGHT_REQUIRED = "Require <weight> or <weight%>.\n";

    /** HAProxy ({@code server_parse_weight_change_request}): the weight does not start with a number. */
    /**
     * HAProxy 2.6 (Debian 12's, the parity reference) prints this one without a trailing newline, so the answer ends
     * with a single line feed (the CLI's own), unlike the other errors.
     */
    public static final String WEIGHT_EMPTY = "Empty weight string empty or preceded by garbage";

    /** HAProxy, reference §2.4. */
    public static final String WEIGHT_RELATIVE_NEGATIVE = "Relative weight must be positive.\n";

    /** HAProxy, reference §2.4. */
    public static final String WEIGHT_ABSOLUTE_RANGE = "Absolute weight can only be between 0 and 256 inclusive.\n";

    /** HAProxy ({@code server_parse_weight_change_request}): e.g. {@code 10x}. */
    public static final String WEIGHT_TRAILING_GARBAGE = "Trailing garbage in weight string\n";

    /** HAProxy, reference §2.4: {@code enable health} on a server without {@code check}. */
    public static final String HEALTH_NOT_CONFIGURED =
            "Health check was not configured on this server, cannot enable.\n";

    /** HAProxy, reference §6.3: {@code shutdown session} without a usable id. */
    public static final String SESSION_POINTER_EXPECTED = "Session pointer expected (use 'show sess').\n";

    /** HAProxy, reference §6.3: {@code shutdown session} with an id no live session has. */
    public static final String NO_SUCH_SESSION = "No such session (use 'show sess').\n";

    /** HAProxy ({@code cli_io_handler}): a command failed in a way it did not report itself. */
    public static final String INTERNAL_ERROR = "Internal error.\n";

    /**
     * HAProxy's wording (reference §2.4, {@code set server b/s bogus}) listing only the sub-commands Understudy has, so
     * that it never advertises one it would refuse.
     */
    public static final String SET_SERVER_USAGE =
            "usage: set server <backend>/<server> addr | check-port | health | state | weight\n";

    /** HAProxy: the tail of {@code set server addr}'s answers, naming who asked. */
    public static final String BY_CLI = " by 'stats socket command'";

    /** HAProxy: {@code set server <b>/<s> addr} without an address. */
    public static final String SET_ADDR_REQUIRES =
            "set server <b>/<s> addr requires an address and optionally a port.\n";

    /** HAProxy: {@code set server <b>/<s> check-port} without a port. */
    public static final String CHECK_PORT_REQUIRED = "set server <b>/<s> check-port requires a port.\n";

    /** HAProxy's {@code set server check-port} refusals, which end without a blank line (no newline of their own). */
    public static final String CHECK_PORT_NOT_INTEGER = "provided port is not an integer";

    public static final String CHECK_PORT_INVALID = "provided port is invalid";

    public static final String CHECKS_NOT_ENABLED = "health checks are not enabled on this server";

    /** HAProxy: {@code set server <b>/<s> health} with another word. */
    public static final String SET_SERVER_HEALTH_EXPECTS =
            "'set server <srv> health' expects 'up', 'stopping', or 'down'.\n";

    /** HAProxy: {@code set maxconn server <b>/<s>} without a value. */
    public static final String REQUIRE_MAXCONN = "Require <maxconn>.\n";

    /** HAProxy: {@code set maxconn server} with a value that is not a number (no newline of its own). */
    public static final String MAXCONN_GARBAGE = "maxconn string empty or preceded by garbage";

    /** HAProxy's {@code add server} / {@code del server} refusals, which print no line end of their own. */
    public static final String REQUIRE_BACKEND_SERVER_BARE = "Require 'backend/server'.";

    public static final String NO_SUCH_BACKEND_BARE = "No such backend.";

    /** HAProxy: {@code add server <b>/<s>} without an address. */
    public static final String ADD_SERVER_EXPECTS = "'server' expects <name> and <addr>[:<port>] as arguments.\n";

    public static final String NEW_SERVER_REGISTERED = "New server registered.\n";

    public static final String SERVER_DELETED = "Server deleted.";

    /** HAProxy's frontend commands without a name, or with an unknown one. */
    public static final String FRONTEND_EXPECTED = "A frontend name is expected.\n";

    public static final String NO_SUCH_FRONTEND = "No such frontend.\n";

    /** HAProxy: {@code set maxconn frontend <f>} without a value. */
    public static final String INTEGER_EXPECTED = "Integer value expected.\n";

    /** HAProxy: {@code set maxconn global} and {@code set rate-limit ... global} without a value. */
    public static final String EXPECTS_INTEGER = "Expects an integer value.\n";

    /** HAProxy's answer to another {@code set rate-limit}, listing only the setting Understudy has. */
    public static final String SET_RATE_LIMIT_USAGE = "'set rate-limit' only supports :\n"
            + "   - 'connections global' to set the per-process maximum connection rate\n";

    /** HAProxy: {@code set maxconn server} with letters after the number (no newline of its own). */
    public static final String MAXCONN_TRAILING_GARBAGE = "Trailing garbage in maxconn string";

    /** HAProxy: a value outside what the setting accepts. */
    public static final String VALUE_OUT_OF_RANGE = "Value out of range.\n";

    /** Understudy: {@code set backend} with a missing or unknown sub-command. */
    public static final String SET_BACKEND_USAGE =
            "usage: set backend <backend> active-server <server>|auto [graceful [timeout <duration>]]\n";

    /** Understudy: {@code show info} in a format other than the plain one. */
    /** {@code show info typed desc} or {@code json desc}: HAProxy's field descriptions are not carried here. */
    public static final String SHOW_INFO_NO_DESC =
            "show info: field descriptions ('desc') are not available; use 'show info typed' or 'show info json'.\n";

    private CliMessages() {}

    /** Understudy: the manual-failback target cannot take traffic now. */
    public static String notUsable(String serverId, String why) {
        return "Server " + serverId + " is not usable (" + why + "); traffic not moved.\n";
    }

    /** Understudy: a command waited longer than the CLI allows; whether it took effect is unknown. */
    public static String timedOut(long millis) {
        return "Command did not complete within " + millis + " ms; check its effect with 'show servers state'.\n";
    }

    /** Understudy: a request line longer than the CLI reads; the connection is closed after this line. */
    public static String lineTooLong(int maxBytes) {
        return "Command line too long (limit " + maxBytes + " bytes).\n";
    }

    /** Understudy: to the connection closed to make room at the limit for a newer one. */
    public static String evicted(int max) {
        return "Admin connection closed: all " + max
                + " connections of this socket were in use and this one had been idle the longest.\n";
    }

    /** Understudy: more connections on one admin socket than it serves at once; this one is closed. */
    public static String tooManyConnections(int max) {
        return "Too many admin connections (limit " + max + "); try again.\n";
    }
}
