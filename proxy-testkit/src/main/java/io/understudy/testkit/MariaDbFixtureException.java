package io.understudy.testkit;

/** Thrown when the MariaDB fixture cannot do what a test asked: a server that will not start, a query that failed. */
public final class MariaDbFixtureException extends RuntimeException {
    public MariaDbFixtureException(String message) {
        super(message);
    }

    public MariaDbFixtureException(String message, Throwable cause) {
        super(message, cause);
    }
}
