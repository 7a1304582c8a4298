package io.understudy.core.backend;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * How long one server may take to send its greeting once it has accepted a connection ({@code timeout greeting}).
 *
 * <p>A MySQL server greets within a millisecond or two of accepting: the kernel completes the TCP handshake on its own,
 * and a thread of the server writes the greeting as soon as it runs. A frozen server (SIGSTOP, a stalled disk that
 * blocks the acceptor, a VM paused by its host) still lets the kernel accept, but never greets; waiting for {@code
 * timeout connect} (1 s by default, 10 s in many HAProxy configs) to see that is what makes freezes slow to detect.
 *
 * <p>The rule with {@code auto}: {@value #FACTOR} times the slowest of the server's last {@value #SAMPLES} greetings,
 * seen by live connects and mysql checks alike, never less than {@link #FLOOR} and never more than the caller's own
 * limit (what is left of {@code timeout connect}, or the check's {@code timeout}). A loaded server that greets in 40 ms
 * gets 400 ms; one that suddenly needs more than ten times its worst recent greeting, several times in a row (a live
 * connect, then a check), is not serving. One slow greeting is only a signal: marking the server down takes a failed
 * check too ({@code on-error}), and every greeting that does arrive, however late, raises the deadline for the next.
 * Before the first greeting the caller's limit applies. A fixed {@code timeout greeting} replaces the rule.
 *
 * <p>Thread-safe and lock-free: event loops of live connects and checks record at once.
 */
public final class GreetingClock {
    static final int SAMPLES = 16;
    static final int FACTOR = 10;
    static final Duration FLOOR = Duration.ofMillis(300);

    private final Optional<Duration> fixed;
    private final String what;
    private final AtomicLongArray micros = new AtomicLongArray(SAMPLES);
    private final AtomicInteger next = new AtomicInteger();

    /** A server's greeting clock; {@code fixed} empty is {@code auto}. */
    public GreetingClock(Optional<Duration> fixed) {
        this(fixed, "greeting");
    }

    /**
     * The same rule for another answer a server gives within milliseconds, named {@code what} in messages: the
     * answer to a client's login, which a frozen server never sends either.
     */
    public GreetingClock(Optional<Duration> fixed, String what) {
        this.fixed = fixed;
        this.what = what;
        for (int i = 0; i < SAMPLES; i++) {
            micros.set(i, -1);
        }
    }

    /** A greeting arrived {@code nanos} after the TCP connection was established. */
    public void record(long nanos) {
        int slot = Math.floorMod(next.getAndIncrement(), SAMPLES);
        micros.set(slot, Math.max(0, nanos / 1_000));
    }

    /** The deadline for the next greeting, in milliseconds, never above {@code limitMillis}. */
    public long deadlineMillis(long limitMillis) {
        if (fixed.isPresent()) {
            return Math.min(limitMillis, fixed.get().toMillis());
        }
        long slowest = slowestMicros();
        if (slowest < 0) {
            return limitMillis;
        }
        long learned = Math.max(FLOOR.toMillis(), slowest * FACTOR / 1_000);
        return Math.min(limitMillis, learned);
    }

    /** For messages: "slowest recent greeting 2ms", "no greeting seen yet", or the fixed value. */
    public String describe() {
        if (fixed.isPresent()) {
            return "timeout greeting " + fixed.get().toMillis() + "ms";
        }
        long slowest = slowestMicros();
        return slowest < 0
                ? "no " + what + " seen yet"
                : "slowest recent " + what + " " + Math.max(1, slowest / 1_000) + "ms";
    }

    /** The slowest of the recent samples, in microseconds; -1 before the first. */
    private long slowestMicros() {
        long slowest = -1;
        for (int i = 0; i < SAMPLES; i++) {
            slowest = Math.max(slowest, micros.get(i));
        }
        return slowest;
    }
}
