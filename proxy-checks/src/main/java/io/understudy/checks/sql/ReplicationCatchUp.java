package io.understudy.checks.sql;

import io.understudy.checks.sql.CatchUpException.Reason;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells when a server about to take over from another has applied everything the other committed, so that a
 * graceful switchover ({@code set backend B active-server S graceful}) releases traffic to it only then: read the old
 * server's position ({@link #position}), check that the new one replicates at all ({@link #requireReplicating}), and
 * wait on the new one for that position ({@link #awaitApplied}). Works with MariaDB GTIDs ({@code @@gtid_binlog_pos},
 * {@code MASTER_GTID_WAIT}) and MySQL's ({@code @@gtid_executed}, {@code WAIT_FOR_EXECUTED_GTID_SET}), told apart by
 * the server's version string.
 *
 * <p>Each call is one login with mysql-connector-j, made as {@link SqlCheck} makes it ({@link JdbcLogin}), on a thread
 * of the given pool, never the caller's: the login and every statement are bounded by what is left of the call's
 * timeout (which starts when the call is made, so time spent queueing counts), and the connection is closed with
 * COM_QUIT afterwards. A guard fails the call a little after its timeout whatever the driver does, so every returned
 * future completes. A failure is always a {@link CatchUpException} whose message names the server and what was wrong,
 * e.g. {@code MySQL/Secondary (127.0.0.1:3307) did not apply 0-1-42 within 10s (at 0-1-40)}.
 *
 * <p>Privileges: reading a position and waiting for one need nothing beyond a login (a USAGE-only account does it on
 * MariaDB; MySQL documents no privilege for either). {@link #requireReplicating} runs {@code SHOW REPLICA STATUS}
 * (or {@code SHOW SLAVE STATUS}), which needs {@code SLAVE MONITOR} (alias {@code REPLICA MONITOR}) on MariaDB 10.5.9
 * and later, {@code REPLICATION CLIENT} on MariaDB before 10.5 and on MySQL, or {@code SUPER}; without it the call
 * fails with {@link Reason#SERVER_ERROR} and the server's error 1227. It is the privilege a backup's SQL check with
 * {@code max-lag} already needs, so that check's account serves: {@code GRANT SLAVE MONITOR ON *.* TO
 * 'check'@'proxy-host'} (MySQL: {@code GRANT REPLICATION CLIENT ON *.* TO ...}).
 *
 * <p>On MariaDB, {@code MASTER_GTID_WAIT} compares with {@code @@gtid_slave_pos}, the position replication reached,
 * and only the default (unnamed) replication connection is looked at. In a dual-master pair that is right in both
 * directions: a server's own transactions come back to it from the other and advance its slave position too.
 *
 * <p>A wait holds its pool thread for up to its timeout, so give this a pool of its own rather than the
 * {@link SqlCheckExecutor} (whose threads would otherwise be missing from the health checks). Futures complete on a
 * pool thread or on the JDK's timeout thread: callers with their own threading (an event loop) hop to it.
 */
public final class ReplicationCatchUp {
    /** How long after a call's timeout (and, for a wait, its grace) the guard gives up on the driver. */
    static final long GUARD_SLACK_MILLIS = 200;

    private static final Logger log = LoggerFactory.getLogger(ReplicationCatchUp.class);

    private final Executor blockingPool;
    private final String user;
    private final String password;

    /**
     * @param blockingPool where the blocking JDBC work runs; a wait holds a thread for up to its timeout
     * @param user the account to log in with, as a SQL check's {@code user}
     * @param password its password; null or empty for none
     */
    public ReplicationCatchUp(Executor blockingPool, String user, String password) {
        this.blockingPool = Objects.requireNonNull(blockingPool, "blockingPool");
        this.user = Objects.requireNonNull(user, "user");
        this.password = password == null ? "" : password;
    }

    /**
     * Reads what {@code oldServer} has committed: MariaDB's {@code @@gtid_binlog_pos}, MySQL's
     * {@code @@gtid_executed}. Empty when it never wrote anything. Fails with {@link Reason#NO_GTID} when the server
     * has no binary log (or, on MySQL, {@code gtid_mode} is not ON), since the position would then read as empty and
     * the wait would not wait for anything.
     *
     * @param server the server as messages name it, {@code backend/server}
     */
    public CompletableFuture<GtidPosition> position(String server, InetSocketAddress oldServer, Duration timeout) {
        return run(server, oldServer, timeout, 0, CatchUpProbe::position);
    }

    /**
     * Succeeds when {@code newServer} is a replica whose IO and SQL threads both run, and fails fast otherwise:
     * {@link Reason#NOT_A_REPLICA} when {@code SHOW REPLICA STATUS} returns no row, {@link Reason#NOT_REPLICATING}
     * when a thread is stopped or still connecting, with the threads' states and the last replication error. A wait
     * on such a server could only time out.
     */
    public CompletableFuture<Void> requireReplicating(String server, InetSocketAddress newServer, Duration timeout) {
        return run(server, newServer, timeout, 0, probe -> {
            probe.requireReplicating();
            return null;
        });
    }

    /**
     * Waits on {@code newServer} until it has applied {@code position}, for at most {@code timeout}, and completes
     * with how long that took from this call. An empty position completes at once with zero. When the timeout comes
     * first it fails with {@link Reason#NOT_APPLIED}, saying where the server got to and whether its replication runs.
     */
    public CompletableFuture<Duration> awaitApplied(
            String server, InetSocketAddress newServer, GtidPosition position, Duration timeout) {
        Objects.requireNonNull(position, "position");
        if (position.isEmpty()) {
            return CompletableFuture.completedFuture(Duration.ZERO);
        }
        long extra = CatchUpProbe.WAIT_GRACE_MILLIS + CatchUpProbe.DIAGNOSIS_MILLIS;
        return run(server, newServer, timeout, extra, probe -> probe.awaitApplied(position));
    }

    private <T> CompletableFuture<T> run(
            String server,
            InetSocketAddress address,
            Duration timeout,
            long extraMillis,
            Function<CatchUpProbe, T> step) {
        Objects.requireNonNull(server, "server");
        Objects.requireNonNull(address, "address");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive, got " + timeout);
        }
        String name = name(server, address);
        Deadline deadline = Deadline.startingNow(timeout);
        JdbcLogin login = new JdbcLogin(address, user, password);
        CompletableFuture<T> work = new CompletableFuture<>();
        try {
            blockingPool.execute(() -> runBlocking(name, login, deadline, step, work));
        } catch (RejectedExecutionException e) {
            return CompletableFuture.failedFuture(
                    new CatchUpException(Reason.NOT_STARTED, name, name + ": not started, the pool refused it", e));
        }
        // A separate future, so that callers see the CatchUpException itself rather than a TimeoutException.
        CompletableFuture<T> answer = new CompletableFuture<>();
        work.orTimeout(deadline.budgetMillis() + extraMillis + GUARD_SLACK_MILLIS, TimeUnit.MILLISECONDS)
                .whenComplete((value, e) -> {
                    if (e == null) {
                        answer.complete(value);
                    } else {
                        answer.completeExceptionally(translate(name, timeout, e));
                    }
                });
        return answer;
    }

    private static <T> void runBlocking(
            String name,
            JdbcLogin login,
            Deadline deadline,
            Function<CatchUpProbe, T> step,
            CompletableFuture<T> work) {
        try (CatchUpProbe probe = CatchUpProbe.open(name, login, deadline)) {
            work.complete(step.apply(probe));
        } catch (CatchUpException e) {
            log.debug("{}", e.getMessage());
            work.completeExceptionally(e);
        } catch (RuntimeException e) {
            // A driver bug must not leave the future incomplete until the guard fires.
            log.warn("replication catch-up on {} failed unexpectedly", name, e);
            work.completeExceptionally(new CatchUpException(
                    Reason.NOT_STARTED, name, SqlFailureClassifier.oneLine(name + " failed internally: " + e), e));
        }
    }

    private static CatchUpException translate(String name, Duration timeout, Throwable e) {
        if (e instanceof CatchUpException c) {
            return c;
        }
        if (e instanceof TimeoutException) {
            return CatchUpFailures.noAnswer(name, timeout, "no result from the driver", e);
        }
        return new CatchUpException(Reason.NOT_STARTED, name, name + " failed internally: " + e, e);
    }

    /** {@code backend/server (host:port)}, the way the messages name a server. */
    static String name(String server, InetSocketAddress address) {
        String host = address.getHostString();
        if (address.getAddress() instanceof Inet6Address || host.indexOf(':') >= 0) {
            host = "[" + host + "]";
        }
        return server + " (" + host + ":" + address.getPort() + ")";
    }
}
