package io.understudy.checks;

import io.understudy.core.backend.ConnectFailure;

/**
 * The outcome class of one check, with HAProxy's codes and words ({@code check_status} in {@code show stat},
 * {@code check_desc}, and the numbers {@code show servers state} prints as {@code srv_check_status}).
 */
public enum CheckStatus {
    UNK(0, "Unknown", Outcome.UNKNOWN),
    INI(1, "Initializing", Outcome.UNKNOWN),
    SOCKERR(5, "Socket error", Outcome.FAILED),
    L4OK(6, "Layer4 check passed", Outcome.PASSED),
    L4TOUT(7, "Layer4 timeout", Outcome.FAILED),
    L4CON(8, "Layer4 connection problem", Outcome.FAILED),
    L7TOUT(12, "Layer7 timeout", Outcome.FAILED),
    L7RSP(13, "Layer7 invalid response", Outcome.FAILED),
    L7OK(15, "Layer7 check passed", Outcome.PASSED),
    L7STS(17, "Layer7 wrong status", Outcome.FAILED);

    /** Whether a check result counts toward rise, fall, or neither. */
    public enum Outcome {
        PASSED,
        FAILED,
        UNKNOWN
    }

    private final int number;
    private final String description;
    private final Outcome outcome;

    CheckStatus(int number, String description, Outcome outcome) {
        this.number = number;
        this.description = description;
        this.outcome = outcome;
    }

    /** The status a check gets for a connect failure of this kind. */
    public static CheckStatus of(ConnectFailure.Kind kind) {
        return switch (kind) {
            case CONNECTION -> L4CON;
            case TIMEOUT -> L4TOUT;
            case NO_GREETING -> L7TOUT;
            case LOCAL -> SOCKERR;
        };
    }

    /** HAProxy's enum number ({@code srv_check_status} in {@code show servers state}). */
    public int number() {
        return number;
    }

    /** HAProxy's {@code check_desc} text, e.g. "Layer7 wrong status". */
    public String description() {
        return description;
    }

    public Outcome outcome() {
        return outcome;
    }

    public boolean passed() {
        return outcome == Outcome.PASSED;
    }

    public boolean failed() {
        return outcome == Outcome.FAILED;
    }

    /** Whether {@code show stat} prints a {@code check_code} for this status (HAProxy: status at or above L57DATA). */
    public boolean hasCode() {
        return number >= 14;
    }
}
