package io.understudy.checks.fake;

import io.netty.channel.EventLoopGroup;
import io.understudy.checks.Check;
import io.understudy.checks.CheckResult;
import io.understudy.core.transport.Transport;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** The event loops a test class runs its checks on (the transport the proxy would pick), and a way to wait for one. */
public final class CheckLoops implements AutoCloseable {
    private final Transport transport = Transport.best();
    private final EventLoopGroup group = transport.newGroup(2, "check");

    public Transport transport() {
        return transport;
    }

    public EventLoopGroup group() {
        return group;
    }

    /** Runs {@code check} and waits for its result; a check that does not complete fails the test. */
    public static CheckResult runAndWait(Check check) {
        try {
            return check.run().toCompletableFuture().get(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new AssertionError("the check did not complete normally", e);
        }
    }

    @Override
    public void close() {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
