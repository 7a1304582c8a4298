package io.understudy.core.fuzz;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

/**
 * The seed inputs of one fuzz target, kept in the repository under {@code src/test/resources/fuzz/<name>/} so that
 * every run replays them: real protocol bytes, real command lines, inputs that once broke something. One seed per
 * file: a {@code .hex} file holds bytes as hex digits (blanks and {@code #} comments ignored), any other file is taken
 * byte for byte. {@link #lines} reads {@code .txt} files as one seed per line instead, for line-based inputs.
 *
 * <p>A corpus that is missing or empty is an error, not an empty list: a renamed directory must not silently turn
 * the replay into a test of nothing.
 */
public final class FuzzCorpus {
    /** One seed: the file it came from (for failure messages) and its bytes. */
    public record Seed(String name, byte[] bytes) {
        public String text() {
            return new String(bytes, StandardCharsets.UTF_8);
        }

        @Override
        public String toString() {
            return name;
        }
    }

    private FuzzCorpus() {}

    /** Every file of {@code fuzz/<name>/} on the test class path as one seed, in file name order. */
    public static List<Seed> seeds(String name) {
        List<Seed> seeds = new ArrayList<>();
        for (Path file : files(name)) {
            byte[] raw = read(file);
            String fileName = file.getFileName().toString();
            seeds.add(new Seed(fileName, fileName.endsWith(".hex") ? hex(raw) : raw));
        }
        return nonEmpty(name, seeds);
    }

    /**
     * Every line of the {@code .txt} files of {@code fuzz/<name>/} as one seed, in file name order, except blank
     * lines and lines starting with {@code #} (comments); seeds that need those, or control characters, go in a
     * {@code .hex} file, which stays one seed.
     */
    public static List<Seed> lines(String name) {
        List<Seed> seeds = new ArrayList<>();
        for (Path file : files(name)) {
            String fileName = file.getFileName().toString();
            if (fileName.endsWith(".hex")) {
                seeds.add(new Seed(fileName, hex(read(file))));
            } else if (fileName.endsWith(".txt")) {
                List<String> lines =
                        new String(read(file), StandardCharsets.UTF_8).lines().toList();
                for (int i = 0; i < lines.size(); i++) {
                    String line = lines.get(i);
                    if (!line.isBlank() && !line.startsWith("#")) {
                        seeds.add(new Seed(fileName + ":" + (i + 1), line.getBytes(StandardCharsets.UTF_8)));
                    }
                }
            }
        }
        return nonEmpty(name, seeds);
    }

    private static List<Path> files(String name) {
        URL url = FuzzCorpus.class.getClassLoader().getResource("fuzz/" + name);
        if (url == null) {
            throw new IllegalStateException("no fuzz corpus fuzz/" + name + " on the test class path");
        }
        try (Stream<Path> files = Files.list(Path.of(url.toURI()))) {
            return files.filter(Files::isRegularFile).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] read(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] hex(byte[] raw) {
        StringBuilder digits = new StringBuilder();
        for (String line : new String(raw, StandardCharsets.US_ASCII).split("\n", -1)) {
            int comment = line.indexOf('#');
            digits.append((comment < 0 ? line : line.substring(0, comment)).replaceAll("\\s+", ""));
        }
        return HexFormat.of().parseHex(digits);
    }

    private static List<Seed> nonEmpty(String name, List<Seed> seeds) {
        if (seeds.isEmpty()) {
            throw new IllegalStateException("the fuzz corpus fuzz/" + name + " holds no seed");
        }
        return List.copyOf(seeds);
    }
}
