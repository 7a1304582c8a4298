package io.understudy.admin.info;

import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufAllocatorMetric;
import io.netty.buffer.ByteBufAllocatorMetricProvider;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Facts about this process for {@code show info} that the core does not keep: host name, build date, file descriptor
 * limit, buffer memory, CPU idleness. The ones that need file I/O are read once, at construction (process start), so
 * that {@code show info} itself never touches the disk on the event loop.
 */
final class ProcessFacts {
    private static final DateTimeFormatter RELEASE_DATE =
            DateTimeFormatter.ofPattern("yyyy/MM/dd").withZone(ZoneOffset.UTC);

    private final Optional<String> node;
    private final Optional<String> releaseDate;

    ProcessFacts() {
        this.node = readHostName();
        this.releaseDate = readReleaseDate();
    }

    /** HAProxy's {@code node}: the host name, as HAProxy defaults it. */
    Optional<String> node() {
        return node;
    }

    /** HAProxy's {@code Release_date}: the build date of the jar this runs from; absent when not run from a jar. */
    Optional<String> releaseDate() {
        return releaseDate;
    }

    /** {@code Ulimit-n}: the process's open file limit. */
    OptionalLong maxFileDescriptors() {
        OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof com.sun.management.UnixOperatingSystemMXBean unix) {
            return OptionalLong.of(unix.getMaxFileDescriptorCount());
        }
        return OptionalLong.empty();
    }

    /** {@code PoolUsed_bytes}: memory Netty's default allocator holds for buffers, when it reports it. */
    OptionalLong bufferMemoryBytes() {
        if (ByteBufAllocator.DEFAULT instanceof ByteBufAllocatorMetricProvider p) {
            ByteBufAllocatorMetric m = p.metric();
            return OptionalLong.of(m.usedDirectMemory() + m.usedHeapMemory());
        }
        return OptionalLong.empty();
    }

    /** {@code Idle_pct}: 100 minus this process's recent CPU use over all cores; absent when the JVM cannot tell. */
    OptionalLong idlePercent() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            double load = os.getProcessCpuLoad();
            if (load >= 0) {
                return OptionalLong.of(Math.round(100 - 100 * load));
            }
        }
        return OptionalLong.empty();
    }

    private static Optional<String> readHostName() {
        try {
            String name = Files.readString(Path.of("/proc/sys/kernel/hostname"), StandardCharsets.UTF_8)
                    .trim();
            if (!name.isEmpty()) {
                return Optional.of(name);
            }
        } catch (IOException | RuntimeException e) {
            // Not Linux, or /proc not mounted: fall back to the environment.
        }
        return Optional.ofNullable(System.getenv("HOSTNAME")).filter(h -> !h.isBlank());
    }

    private static Optional<String> readReleaseDate() {
        try {
            var source = ProcessFacts.class.getProtectionDomain().getCodeSource();
            if (source == null) {
                return Optional.empty();
            }
            Path location = Path.of(source.getLocation().toURI());
            if (!Files.isRegularFile(location)) {
                return Optional.empty();
            }
            Instant built = Files.getLastModifiedTime(location).toInstant();
            return Optional.of(RELEASE_DATE.format(built));
        } catch (IOException | URISyntaxException | RuntimeException e) {
            return Optional.empty();
        }
    }
}
