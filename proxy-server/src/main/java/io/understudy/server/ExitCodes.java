package io.understudy.server;

/**
 * The launcher's exit codes, documented in the README. A stop by SIGTERM or SIGINT exits with the JVM's usual 143 or
 * 130 after the graceful shutdown.
 */
public final class ExitCodes {
    /** Ran and stopped normally; {@code check}: the config is valid. */
    public static final int OK = 0;
    /** The configuration is invalid; nothing was bound. */
    public static final int CONFIG_INVALID = 1;
    /** The command line is wrong. */
    public static final int USAGE = 2;
    /** The config was valid but starting failed (an address in use, a permission denied); nothing stays bound. */
    public static final int START_FAILED = 3;

    private ExitCodes() {}
}
