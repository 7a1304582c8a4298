package io.understudy.admin.command;

/**
 * A command's refusal, carrying the exact text the client gets (one of {@link CliMessages}). Thrown by a command, or
 * used to complete its future exceptionally; the registry turns it into the reply. Not an error of the proxy, so it
 * carries no stack trace.
 */
public final class CliException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** @param reply the text sent to the client, ending with {@code \n} */
    public CliException(String reply) {
        super(reply, null, false, false);
    }

    /** The text sent to the client. */
    public String reply() {
        return getMessage();
    }
}
