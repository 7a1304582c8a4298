package io.understudy.testkit;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * Makes Netty report leaked buffers now rather than at some later allocation. The detector only notices a leak when
 * the garbage collector has cleared the buffer's tracker and a later allocation polls its reference queue.
 */
public final class LeakProvoker {
    private static final int ROUNDS = 5;
    /**
     * Enough allocations that even the default SIMPLE level, which samples one allocation in 128, polls the queue.
     */
    private static final int ALLOCATIONS_PER_ROUND = 512;

    private LeakProvoker() {}

    /**
     * Collects garbage and allocates and releases buffers from the usual allocators, for a few rounds or until
     * {@code reported} says a leak was seen.
     */
    public static void provoke(BooleanSupplier reported) {
        for (int round = 0; round < ROUNDS && !reported.getAsBoolean(); round++) {
            System.gc();
            // The reference handler thread enqueues cleared trackers shortly after the collection, not during it.
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
            for (int i = 0; i < ALLOCATIONS_PER_ROUND; i++) {
                release(PooledByteBufAllocator.DEFAULT.buffer(16));
                release(PooledByteBufAllocator.DEFAULT.directBuffer(16));
                release(ByteBufAllocator.DEFAULT.buffer(16));
                release(Unpooled.buffer(16));
            }
        }
    }

    private static void release(ByteBuf buf) {
        buf.release();
    }
}
