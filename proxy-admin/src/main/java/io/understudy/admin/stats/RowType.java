package io.understudy.admin.stats;

/**
 * What a {@code show stat} row describes; {@link #code()} is HAProxy's {@code type} column and the bit position of the
 * {@code <type>} filter of {@code show stat <iid> <type> <sid>} (1 = frontends, 2 = backends, 4 = servers).
 */
public enum RowType {
    /** The listening side of a proxy; {@code svname} is {@code FRONTEND}. */
    FRONTEND(0),
    /** The proxy's server pool as a whole; {@code svname} is {@code BACKEND}. */
    BACKEND(1),
    /** One server; {@code svname} is its name. */
    SERVER(2);

    private final int code;

    RowType(int code) {
        this.code = code;
    }

    /** HAProxy's {@code type} value: 0 frontend, 1 backend, 2 server (3, listener, is never produced here). */
    public int code() {
        return code;
    }

    /** The object's letter in {@code show stat typed} ({@code F}, {@code B}, {@code S}). */
    public char typedLetter() {
        return "FBS".charAt(code);
    }

    /** The object's name in {@code show stat json} ({@code Frontend}, {@code Backend}, {@code Server}). */
    public String jsonName() {
        return switch (this) {
            case FRONTEND -> "Frontend";
            case BACKEND -> "Backend";
            case SERVER -> "Server";
        };
    }

    /** This type's bit in {@code show stat}'s {@code <type>} mask. */
    public int filterBit() {
        return 1 << code;
    }
}
