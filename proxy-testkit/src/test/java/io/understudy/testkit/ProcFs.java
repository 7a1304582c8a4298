package io.understudy.testkit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** Looks for processes in /proc, so tests can prove that no mariadbd outlived its cleanup. */
final class ProcFs {
    private ProcFs() {}

    /** Pids of live processes whose command line contains all of {@code parts}; zombies have an empty cmdline. */
    static List<Long> pidsWithCmdline(String... parts) throws IOException {
        List<Long> pids = new ArrayList<>();
        try (Stream<Path> entries = Files.list(Path.of("/proc"))) {
            for (Path entry : (Iterable<Path>) entries::iterator) {
                String name = entry.getFileName().toString();
                if (!name.chars().allMatch(Character::isDigit)) {
                    continue;
                }
                String cmdline;
                try {
                    cmdline = new String(Files.readAllBytes(entry.resolve("cmdline")), StandardCharsets.UTF_8)
                            .replace('\0', ' ');
                } catch (IOException e) {
                    continue; // the process ended while we looked
                }
                if (Stream.of(parts).allMatch(cmdline::contains)) {
                    pids.add(Long.parseLong(name));
                }
            }
        }
        return pids;
    }

    static boolean alive(long pid) {
        // A SIGKILLed child may linger as a zombie until reaped; it has no cmdline and runs nothing.
        try {
            return Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline")).length > 0;
        } catch (IOException e) {
            return false;
        }
    }
}
