package io.understudy.testkit;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/** Reads the end of a log file for error messages, so a failed start says why without dumping a whole log. */
final class FileTail {
    private static final int MAX_BYTES = 16 * 1024;

    private FileTail() {}

    /** The last {@code lines} lines of {@code file} from byte {@code fromOffset} on, or a note if it is unreadable. */
    static String lastLines(Path file, int lines, long fromOffset) {
        if (!Files.isRegularFile(file)) {
            return "(" + file + " does not exist)";
        }
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "r")) {
            long start = Math.max(fromOffset, raf.length() - MAX_BYTES);
            byte[] bytes = new byte[(int) Math.max(0, raf.length() - start)];
            raf.seek(start);
            raf.readFully(bytes);
            List<String> all = Arrays.asList(new String(bytes, StandardCharsets.UTF_8).split("\n"));
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(cannot read " + file + ": " + e + ")";
        }
    }

    /** The lines of {@code file} that mention an error, at most {@code max} of them, for a failed tool's report. */
    static String errorLines(Path file, int max) {
        try (java.util.stream.Stream<String> lines = Files.lines(file, StandardCharsets.UTF_8)) {
            return String.join(
                    "\n",
                    lines.filter(l -> l.contains("ERROR") || l.contains("[Warning]") || l.contains("rror:"))
                            .limit(max)
                            .toList());
        } catch (IOException | java.io.UncheckedIOException e) {
            return "(cannot read " + file + ": " + e + ")";
        }
    }

    /** The size of {@code file}, 0 if it does not exist yet: the offset from which a new run's messages start. */
    static long size(Path file) {
        try {
            return Files.isRegularFile(file) ? Files.size(file) : 0;
        } catch (IOException e) {
            return 0;
        }
    }
}
