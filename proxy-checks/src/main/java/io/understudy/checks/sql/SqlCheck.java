package io.understudy.checks.sql;

import io.understudy.checks.Check;
import io.understudy.checks.CheckResult;
import io.understudy.checks.CheckStatus;
import io.understudy.core.config.CheckConfig;
import io.understudy.core.config.SendProxy;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A health check that logs in to one server with mysql-connector-j, exactly as an application would, runs the
 * configured query, and then asks whether the server may take traffic in its role: an active server must be
 * writable ({@code require-writable}), a backup must replicate with at most {@code max-lag} of lag.
 *
 * <p>The JDBC work blocks, so it runs on a shared, bounded {@link SqlCheckExecutor}, never on the caller's thread.
 * The login is bounded by the driver's {@code connectTimeout} and {@code socketTimeout}, each statement by a query
 * timeout and a socket timeout (see {@link BoundedStatements}), all taken from what is left of {@code timeout}; and a
 * guard completes the result with {@code L7TOUT} at {@code timeout} + {@value #GUARD_SLACK_MILLIS} ms whatever the
 * driver does. The connection is closed (with COM_QUIT) after every check.
 *
 * <table>
 *   <caption>Results</caption>
 *   <tr><th>situation</th><th>status</th><th>code</th><th>info</th></tr>
 *   <tr><td>query (and gates) passed</td><td>L7OK</td><td>0</td>
 *       <td>server version[; read_only=0][; replication lag Ns]</td></tr>
 *   <tr><td>login refused, query failed, any MySQL error</td><td>L7STS</td><td>the MySQL error number, e.g. 1045,
 *       1064, 1146</td><td>the server's message</td></tr>
 *   <tr><td>active server with {@code @@read_only} on, {@code require-writable}</td><td>L7STS</td>
 *       <td>{@value #CODE_NOT_WRITABLE} (ER_OPTION_PREVENTS_STATEMENT, what a write would get)</td>
 *       <td>read_only=1: not writable</td></tr>
 *   <tr><td>backup with {@code max-lag}, status statement returns no row</td><td>L7STS</td>
 *       <td>{@value #CODE_NOT_A_REPLICA} (ER_BAD_SLAVE: "server is not configured as slave")</td>
 *       <td>not a replica (no SHOW SLAVE STATUS row)</td></tr>
 *   <tr><td>backup with {@code max-lag}, {@code Seconds_Behind_Master} NULL (a replication thread stopped, or the IO
 *       thread cannot reach its source)</td><td>L7STS</td>
 *       <td>{@value #CODE_REPLICATION_NOT_RUNNING} (ER_SLAVE_NOT_RUNNING)</td>
 *       <td>replication not running (Seconds_Behind_Master NULL; IO thread No, SQL thread No[; last error])</td></tr>
 *   <tr><td>backup lagging more than {@code max-lag}</td><td>L7STS</td><td>none: no MySQL error means "too far
 *       behind"</td><td>replication lag 42s &gt; max-lag 10s</td></tr>
 *   <tr><td>connection refused / no route</td><td>L4CON</td><td>-</td><td>Connection refused</td></tr>
 *   <tr><td>TCP connect timed out</td><td>L4TOUT</td><td>-</td><td>Connect timed out</td></tr>
 *   <tr><td>login or statement timed out (e.g. frozen server)</td><td>L7TOUT</td><td>-</td>
 *       <td>"login: Read timed out", "SELECT SLEEP(9): Statement cancelled due to timeout or client request",
 *       "login: check timeout of 1000ms reached" (budget spent waiting in the queue), or "no result within the
 *       check timeout of 1000ms" (the guard)</td></tr>
 *   <tr><td>connection lost or unusable answer</td><td>L7RSP</td><td>-</td><td>step: the I/O error</td></tr>
 *   <tr><td>{@link SqlCheckExecutor} saturated (or closed)</td><td>SOCKERR</td><td>-</td>
 *       <td>check executor saturated (closed)</td></tr>
 * </table>
 *
 * <p>See {@link SqlFailureClassifier} for how driver exceptions map to these statuses. The gate codes reuse the
 * MySQL error that names the same condition, so that {@code show stat}'s {@code check_code} can be looked up.
 *
 * <p>Note that with {@code max-lag}, a backup whose source has died reports NULL lag (its IO thread keeps
 * reconnecting) and so fails this check.
 */
public final class SqlCheck implements Check {
    /** How long after {@code timeout} the guard gives up on the driver: scheduling slack on a loaded machine. */
    public static final long GUARD_SLACK_MILLIS = 200;

    /** ER_OPTION_PREVENTS_STATEMENT: the server runs with read_only, what a write would get. */
    public static final int CODE_NOT_WRITABLE = 1290;
    /** ER_BAD_SLAVE: the server is not configured as a replica. */
    public static final int CODE_NOT_A_REPLICA = 1200;
    /** ER_SLAVE_NOT_RUNNING: a replication thread is not running. */
    public static final int CODE_REPLICATION_NOT_RUNNING = 1199;

    private static final Logger log = LoggerFactory.getLogger(SqlCheck.class);

    private final SqlCheckExecutor executor;
    private final InetSocketAddress target;
    private final CheckConfig config;
    private final boolean backupRole;
    private final JdbcLogin login;
    private final ReplicaStatusReader replicaStatus = new ReplicaStatusReader();

    /**
     * @param executor where the blocking JDBC work runs; shared by all SQL checks of the process
     * @param target the server's address
     * @param config user, password, timeout, query, {@code requireWritable} and {@code maxLag}
     * @param backupRole whether the server is a backup: backups get the lag gate, active servers the writable gate
     */
    public SqlCheck(SqlCheckExecutor executor, InetSocketAddress target, CheckConfig config, boolean backupRole) {
        this(executor, target, config, backupRole, SendProxy.NONE);
    }

    /** A check of a {@code send-proxy} server: its connection starts with the header HAProxy's checks send. */
    public SqlCheck(
            SqlCheckExecutor executor,
            InetSocketAddress target,
            CheckConfig config,
            boolean backupRole,
            SendProxy sendProxy) {
        this.executor = Objects.requireNonNull(executor, "executor");
        this.target = Objects.requireNonNull(target, "target");
        this.config = Objects.requireNonNull(config, "config");
        this.backupRole = backupRole;
        this.login = new JdbcLogin(target, config.user(), config.password(), sendProxy);
    }

    /**
     * Starts a check. The stage always completes normally, within {@code timeout} plus {@value #GUARD_SLACK_MILLIS}
     * ms; dependent stages may run on a check thread or on the JDK's timeout thread, so callers with their own
     * threading hop to it.
     */
    @Override
    public CompletionStage<CheckResult> run(Duration slack) {
        Deadline deadline = Deadline.startingNow(config.timeout().plus(slack.isNegative() ? Duration.ZERO : slack));
        SqlProbe probe = new SqlProbe(
                login,
                query(),
                !backupRole && config.requireWritable(),
                backupRole ? config.maxLag() : Optional.empty(),
                replicaStatus,
                deadline);
        CompletableFuture<CheckResult> work = new CompletableFuture<>();
        try {
            executor.execute(() -> work.complete(runSafely(probe, deadline)));
        } catch (RejectedExecutionException e) {
            String info = executor.isClosed() ? "check executor closed" : "check executor saturated";
            log.debug("SQL check of {} not started: {}", target, info);
            return CompletableFuture.completedFuture(CheckResult.notRun(info, deadline.elapsedMillis()));
        }
        return work.orTimeout(deadline.budgetMillis() + GUARD_SLACK_MILLIS, TimeUnit.MILLISECONDS)
                .exceptionally(e -> timedOut(e, deadline))
                .whenComplete((r, e) -> log.debug("SQL check of {}: {}", target, r.describe()));
    }

    private CheckResult runSafely(SqlProbe probe, Deadline deadline) {
        try {
            return probe.run();
        } catch (RuntimeException e) {
            // A driver bug must not leave the stage incomplete until the guard fires.
            log.warn("SQL check of {} failed unexpectedly", target, e);
            return CheckResult.of(
                    CheckStatus.UNK,
                    SqlFailureClassifier.oneLine("check failed internally: " + e),
                    deadline.elapsedMillis());
        }
    }

    private CheckResult timedOut(Throwable e, Deadline deadline) {
        if (!(e instanceof TimeoutException)) {
            log.warn("SQL check of {} failed unexpectedly", target, e);
            return CheckResult.of(
                    CheckStatus.UNK,
                    SqlFailureClassifier.oneLine("check failed internally: " + e),
                    deadline.elapsedMillis());
        }
        return CheckResult.of(
                CheckStatus.L7TOUT,
                "no result within the check timeout of " + deadline.budgetMillis() + "ms",
                deadline.elapsedMillis());
    }

    private String query() {
        String q = config.query();
        return q == null || q.isBlank() ? "SELECT 1" : q.trim();
    }

    @Override
    public String toString() {
        return "sql-check " + target + (backupRole ? " (backup)" : "");
    }
}
