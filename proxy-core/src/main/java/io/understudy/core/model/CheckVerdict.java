package io.understudy.core.model;

/** How one active check counts toward {@code rise} and {@code fall}. */
public enum CheckVerdict {
    PASSED,
    FAILED,
    /** Counts toward neither (HAProxy's unknown results). */
    NEUTRAL
}
