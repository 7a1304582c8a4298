package io.understudy.core.backend;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.LongSupplier;

/**
 * How long one server may take to send its greeting once it has accepted a connection ({@code timeout greeting}).
 *
 * <p>A MySQL server greets within a millisecond or two of accepting: the kernel completes the TCP handshake on its own,
 * and a thread of the server writes the greeting as soon as it runs. A frozen server (SIGSTOP, a stalled disk that
 * blocks the acceptor, a VM paused by its host) still lets the kernel accept, but never greets; waiting for {@code
 * timeout connect} (1.5 s by default, 10 s in many HAProxy configs) to see that is what makes freezes slow to detect.
 *
 * <p>The rule with {@code auto}: {@value #FACTOR} times the slowest greeting of the server in the last
 * {@value #WINDOW_SECONDS} seconds, seen by live connects and mysql checks alike, never less than {@link #FLOOR} and
 * never more than the caller's own limit (what is left of {@code timeout connect}, or the check's {@code timeout}).
 * A window in time rather than a number of greetings: on a lossy link one connection in twenty has its greeting a
 * retransmission late (a lost handshake ACK costs the server's 1 s SYN-ACK timer), and a busy proxy makes twenty
 * connections in well under a second, so a count-based memory forgot the lesson between two such greetings and the
 * next one failed at the floor, a live error that started a check (issue 15, defect 2). A loaded server that greets in 40 ms
 * gets 400 ms; one that suddenly needs more than ten times its worst recent greeting, several times in a row (a live
 * connect, then a check), is not serving. One slow greeting is only a signal: marking the server down takes a failed
 * check too ({@code on-error}), and every greeting that does arrive, however late, raises the deadline for the next.
 * Before the first greeting the caller's limit applies. A fixed {@code timeout greeting} replaces the rule.
 *
 * <p>Thread-safe and lock-free: event loops of live connects and checks record at once.
 */
public final class GreetingClock {
    static final int WINDOW_SECONDS = 30;
    static final int FACTOR = 10;
    static final Duration FLOOR = Duration.ofMillis(300);
    private static final long EMPTY = 0;
    private static final long MICROS_MASK = 0xFFFF_FFFFL;

    private final Optional<Duration> fixed;
    private final String what;
    private final LongSupplier nanoTime;
    private final long origin;
    /**
     * One slot per second of the window, each the second it holds (counted from {@code origin}, from 1) in the high
     * half and the slowest greeting of that second, in microseconds, in the low half; {@link #EMPTY} before any.
     */
    private final AtomicLongArray seconds = new AtomicLongArray(WINDOW_SECONDS);

    /** A server's greeting clock; {@code fixed} empty is {@code auto}. */
    public GreetingClock(Optional<Duration> fixed) {
        this(fixed, "greeting");
    }

    /**
     * The same rule for another answer a server gives within milliseconds, named {@code what} in messages: the
     * answer to a client's login, which a frozen server never sends either.
     */
    public GreetingClock(Optional<Duration> fixed, String what) {
        this(fixed, what, System::nanoTime);
    }

    /** For tests: time read from {@code nanoTime}. */
    GreetingClock(Optional<Duration> fixed, String what, LongSupplier nanoTime) {
        this.fixed = fixed;
        this.what = what;
        this.nanoTime = nanoTime;
        this.origin = nanoTime.getAsLong();
    }

    /** A greeting arrived {@code nanos} after the TCP connection was established. */
    public void record(long nanos) {
        long micros = Math.min(MICROS_MASK, Math.max(0, nanos / 1_000));
        long second = second();
        int slot = (int) (second % WINDOW_SECONDS);
        while (true) {
            long held = seconds.get(slot);
            if (held >>> 32 > second) {
                // This thread was held up for a whole window: a newer second owns the slot now.
                return;
            }
            long next = held >>> 32 == second
                    ? (second << 32) | Math.max(micros, held & MICROS_MASK)
                    : (second << 32) | micros;
            if (next == held || seconds.compareAndSet(slot, held, next)) {
                return;
            }
        }
    }

    /** Seconds since this clock was made, from 1 (0 marks an empty slot). */
    private long second() {
        return (nanoTime.getAsLong() - origin) / 1_000_000_000L + 1;
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

    /**
     * The slowest greeting of the window, in microseconds; when none arrived in it (a quiet server: a backup nobody
     * connects to, checks of a kind that does not read greetings), the slowest of the last second that had any, so
     * that a server is never forgotten back to the caller's whole limit; -1 before the first greeting.
     */
    private long slowestMicros() {
        long now = second();
        long slowest = -1;
        long latestSecond = 0;
        long latest = -1;
        for (int i = 0; i < WINDOW_SECONDS; i++) {
            long held = seconds.get(i);
            if (held == EMPTY) {
                continue;
            }
            if (now - (held >>> 32) < WINDOW_SECONDS) {
                slowest = Math.max(slowest, held & MICROS_MASK);
            }
            if (held >>> 32 > latestSecond) {
                latestSecond = held >>> 32;
                latest = held & MICROS_MASK;
            }
        }
        return slowest >= 0 ? slowest : latest;
    }
}
