package io.understudy.core.frontend;

/** A frontend could not bind its address; the message names the frontend, the address and the OS reason. */
public final class BindFailedException extends Exception {
    private static final long serialVersionUID = 1L;

    public BindFailedException(String message, Throwable cause) {
        super(message, cause);
    }
}
