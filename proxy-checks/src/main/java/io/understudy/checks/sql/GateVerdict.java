package io.understudy.checks.sql;

import java.util.OptionalInt;

/**
 * Whether a server that answered SQL may take traffic in its role, with the words for the check's info.
 *
 * @param passed whether the gate lets the server through
 * @param code for a closed gate, the code its {@code L7STS} result carries (see {@link SqlCheck}); empty if none
 * @param info what the gate saw, e.g. "read_only=1: not writable" or "replication lag 3s"
 */
record GateVerdict(boolean passed, OptionalInt code, String info) {
    static GateVerdict pass(String info) {
        return new GateVerdict(true, OptionalInt.empty(), info);
    }

    static GateVerdict fail(int code, String info) {
        return new GateVerdict(false, OptionalInt.of(code), info);
    }

    static GateVerdict fail(String info) {
        return new GateVerdict(false, OptionalInt.empty(), info);
    }
}
