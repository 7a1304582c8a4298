package io.understudy.admin.metrics;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufAllocatorMetric;
import io.netty.buffer.ByteBufAllocatorMetricProvider;

/**
 * The memory Netty's buffer allocator holds for the relay's buffers, direct and heap, as
 * {@code netty_allocator_memory_used_bytes{allocator,memory_type}}. Micrometer's own Netty binder registers these
 * gauges without a description or unit, which Prometheus's linter rejects; this one has both.
 */
final class NettyMemoryMetrics implements MeterBinder {
    static final String HELP = "Memory held by Netty's buffer allocator (pooled or adaptive arenas included), in bytes";

    private final ByteBufAllocator allocator;

    /** Over {@code allocator}, typically {@link ByteBufAllocator#DEFAULT}, which the relay's channels use. */
    NettyMemoryMetrics(ByteBufAllocator allocator) {
        this.allocator = allocator;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        if (!(allocator instanceof ByteBufAllocatorMetricProvider provider)) {
            return;
        }
        ByteBufAllocatorMetric metric = provider.metric();
        String name = allocator.getClass().getSimpleName();
        Gauge.builder("netty.allocator.memory.used", metric, ByteBufAllocatorMetric::usedDirectMemory)
                .description(HELP)
                .baseUnit("bytes")
                .tags("allocator", name, "memory.type", "direct")
                .register(registry);
        Gauge.builder("netty.allocator.memory.used", metric, ByteBufAllocatorMetric::usedHeapMemory)
                .description(HELP)
                .baseUnit("bytes")
                .tags("allocator", name, "memory.type", "heap")
                .register(registry);
    }
}
