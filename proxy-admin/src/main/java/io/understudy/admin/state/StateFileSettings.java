package io.understudy.admin.state;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * Where the admin state file lives and how eagerly it is written: the settings behind {@code global.state-file}.
 *
 * @param path the state file; its directory must exist and be writable (the temp file is created next to it so that
 *     the final rename stays within one file system and is atomic)
 * @param coalesce how long the writer waits after the first change of a burst before writing, so that a script
 *     issuing hundreds of commands costs a handful of fsyncs; the state on disk lags the running state by at most
 *     this much plus one write
 */
public record StateFileSettings(Path path, Duration coalesce) {
    /** The default coalescing delay: short enough that a crash right after a command almost never loses it. */
    public static final Duration DEFAULT_COALESCE = Duration.ofMillis(20);

    public StateFileSettings {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(coalesce, "coalesce");
        if (coalesce.isNegative()) {
            throw new IllegalArgumentException("coalesce must not be negative: " + coalesce);
        }
        // Absolute, so that log lines and the .corrupt-* copy name the same file whatever the working directory.
        path = path.toAbsolutePath().normalize();
    }

    /** The file at {@code path}, written {@link #DEFAULT_COALESCE} after the first change of a burst. */
    public StateFileSettings(Path path) {
        this(path, DEFAULT_COALESCE);
    }
}
