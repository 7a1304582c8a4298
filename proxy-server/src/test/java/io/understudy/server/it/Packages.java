package io.understudy.server.it;

import io.understudy.testkit.NetnsLab;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** What {@code mvn package} builds for operators ({@code target/understudy-*.tar.gz}, {@code target/*.deb}). */
final class Packages {
    private Packages() {}

    static Path tarball() {
        return theOne("understudy-*.tar.gz");
    }

    static Path deb() {
        return theOne("understudy_*_all.deb");
    }

    /** Runs {@code cmd} in {@code dir} (through {@code env -C}) for at most {@code limit}; output and exit code. */
    static NetnsLab.Result runIn(Path dir, Duration limit, String... cmd) {
        List<String> all = new ArrayList<>(List.of("env", "-C", dir.toString()));
        all.addAll(List.of(cmd));
        return NetnsLab.execute(all, limit);
    }

    /** Runs {@code cmd} in {@code dir}; fails, with its output, unless it exits 0 within 60 s. */
    static String mustRun(Path dir, String... cmd) {
        NetnsLab.Result r = runIn(dir, Duration.ofSeconds(60), cmd);
        if (!r.ok()) {
            throw new IllegalStateException(String.join(" ", cmd) + " exited " + r.code() + ": " + r.output());
        }
        return r.output();
    }

    private static Path theOne(String glob) {
        Path target = Paths.get("target").toAbsolutePath();
        List<Path> found = new ArrayList<>();
        try (Stream<Path> files = Files.list(target)) {
            files.filter(f -> f.getFileSystem().getPathMatcher("glob:" + glob).matches(f.getFileName()))
                    .forEach(found::add);
        } catch (IOException e) {
            throw new UncheckedIOException(target + ": integration tests run after 'mvn package'", e);
        }
        if (found.size() != 1) {
            throw new IllegalStateException("expected one " + target.resolve(glob)
                    + " ('mvn package' builds it), found " + found.size() + ": " + found);
        }
        return found.get(0);
    }
}
