package io.understudy.admin.state;

/**
 * A state file that cannot be trusted (not the format, a version this build does not read, truncated); the message
 * names the problem and, where there is one, the line, for the operator who has to fix or delete the file.
 */
public final class StateFileException extends Exception {
    private static final long serialVersionUID = 1L;

    public StateFileException(String problem) {
        super(problem);
    }
}
