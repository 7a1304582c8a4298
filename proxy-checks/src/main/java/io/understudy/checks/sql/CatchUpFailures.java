package io.understudy.checks.sql;

import io.understudy.checks.CheckResult;
import io.understudy.checks.CheckStatus;
import io.understudy.checks.sql.CatchUpException.Reason;
import java.sql.SQLException;
import java.time.Duration;

/**
 * Words the {@link CatchUpException} for a failed step of {@link ReplicationCatchUp}: a driver exception is first
 * classified as the SQL check classifies it ({@link SqlFailureClassifier}), so that a refused connect, a frozen server
 * and a server error read the same in {@code show stat} and in the admin command's answer.
 */
final class CatchUpFailures {
    private CatchUpFailures() {}

    /**
     * @param server the server as messages name it
     * @param step what was being done: "login" or the statement
     * @param budget the whole timeout, quoted when it ran out
     */
    static CatchUpException of(String server, SQLException e, String step, Duration budget) {
        CheckResult r = SqlFailureClassifier.classify(e, step, 0);
        CheckStatus status = r.status();
        if (status == CheckStatus.L4CON || status == CheckStatus.L4TOUT) {
            return new CatchUpException(Reason.UNREACHABLE, server, server + " is unreachable: " + r.info(), e);
        }
        if (status == CheckStatus.L7TOUT) {
            return noAnswer(server, budget, r.info(), e);
        }
        if (status == CheckStatus.L7STS) {
            String code = r.code().isPresent() ? "error " + r.code().getAsInt() + ": " : "";
            return new CatchUpException(
                    Reason.SERVER_ERROR,
                    server,
                    SqlFailureClassifier.oneLine(server + " refused " + step + ": " + code + r.info()),
                    e);
        }
        return new CatchUpException(Reason.CONNECTION_LOST, server, server + " failed: " + r.info(), e);
    }

    /** The budget ran out, with {@code detail} saying where, e.g. "login: Read timed out". */
    static CatchUpException noAnswer(String server, Duration budget, String detail, Throwable cause) {
        return new CatchUpException(
                Reason.NO_ANSWER,
                server,
                SqlFailureClassifier.oneLine(
                        server + " did not answer within " + RoleGates.format(budget) + " (" + detail + ")"),
                cause);
    }
}
