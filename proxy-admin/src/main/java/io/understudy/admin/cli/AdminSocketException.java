package io.understudy.admin.cli;

/**
 * An admin socket could not be set up: its path is in use by a live instance, is not a socket, its directory is
 * missing, binding failed, or its mode/owner could not be applied. The message names the path and the reason; the
 * launcher turns it into exit code 3.
 */
public final class AdminSocketException extends Exception {
    private static final long serialVersionUID = 1L;

    public AdminSocketException(String message) {
        super(message);
    }

    public AdminSocketException(String message, Throwable cause) {
        super(message, cause);
    }
}
