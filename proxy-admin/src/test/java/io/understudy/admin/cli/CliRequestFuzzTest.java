package io.understudy.admin.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.understudy.core.fuzz.FuzzCorpus;
import io.understudy.core.fuzz.Mutations;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.statistics.Statistics;

/**
 * Fuzzes {@link CliRequest#parse}, which splits whatever a client of the admin socket sends. Guarded, for any line: no
 * exception; the same answer twice; never an empty answer; at most one command per unescaped {@code ;} plus one, at
 * most {@value CliRequest#MAX_WORDS} words each, no word holding a NUL or more characters than the line. And two
 * oracles: a line without backslashes splits exactly as a naive split on {@code ;}, NUL, a trailing CR and blanks
 * would; any words, escaped as HAProxy's rules say ({@code \} before {@code \}, space, tab and {@code ;}), come back
 * as they were. The lines of {@code fuzz/cli-lines} (real HAProxy admin commands) are replayed in every run.
 */
class CliRequestFuzzTest {
    private static final List<FuzzCorpus.Seed> LINES = FuzzCorpus.lines("cli-lines");

    /** The characters the parser gives a meaning to, plus a few of the rest. */
    private static final String SPECIAL = " \t;\\\r\0";

    @Example
    void everyCorpusLineParses() {
        for (FuzzCorpus.Seed seed : LINES) {
            anyLineParsesIntoBoundedCommandsTheSameTwice(seed.text());
        }
    }

    @Example
    void realCommandsKeepTheirWords() {
        assertThat(CliRequest.parse("set server MySQL/Primary state maint;get weight #1/#2"))
                .containsExactly(
                        List.of("set", "server", "MySQL/Primary", "state", "maint"), List.of("get", "weight", "#1/#2"));
    }

    @Property(tries = 1000)
    void anyLineParsesIntoBoundedCommandsTheSameTwice(@ForAll("lines") String line) {
        List<List<String>> commands = CliRequest.parse(line);

        assertThat(CliRequest.parse(line)).as("the same line again").isEqualTo(commands);
        assertThat(commands).isNotEmpty();
        assertThat(commands.size()).isLessThanOrEqualTo(1 + count(line, ';'));
        assertThat(commands).allSatisfy(words -> {
            assertThat(words).hasSizeLessThanOrEqualTo(CliRequest.MAX_WORDS);
            assertThat(words).allSatisfy(w -> assertThat(w).doesNotContain("\0"));
        });
        int chars =
                commands.stream().flatMap(List::stream).mapToInt(String::length).sum();
        assertThat(chars).isLessThanOrEqualTo(line.length());
        count("commands", commands.size() > 1 ? "several" : "one", "several", 5);
        count("escapes", line.indexOf('\\') >= 0 ? "some" : "none", "some", 5);
    }

    @Property(tries = 500)
    void aLineWithoutBackslashesSplitsNaively(@ForAll("lines") String anyLine) {
        String line = anyLine.replace("\\", "");

        assertThat(CliRequest.parse(line)).isEqualTo(naive(line));
    }

    @Property(tries = 300)
    void escapedWordsComeBackAsTheyWere(
            @ForAll("commands") List<List<String>> commands, @ForAll("blanks") List<String> blanks) {
        StringBuilder line = new StringBuilder();
        int b = 0;
        for (int c = 0; c < commands.size(); c++) {
            if (c > 0) {
                line.append(';');
            }
            line.append(blanks.get(b++ % blanks.size()));
            for (String word : commands.get(c)) {
                line.append(escape(word))
                        .append(blanks.get(b++ % blanks.size()))
                        .append(' ');
            }
        }

        assertThat(CliRequest.parse(line.toString())).isEqualTo(commands);
    }

    @Property(tries = 50)
    void aCommandKeepsItsFirst64Words(@ForAll @IntRange(min = 0, max = 200) int n) {
        List<String> words = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            words.add("w" + i);
        }

        assertThat(CliRequest.parse(String.join(" ", words)))
                .containsExactly(words.subList(0, Math.min(n, CliRequest.MAX_WORDS)));
    }

    @Provide
    Arbitrary<String> lines() {
        List<byte[]> seeds = LINES.stream().map(FuzzCorpus.Seed::bytes).toList();
        return Arbitraries.frequencyOf(
                Tuple.of(
                        3,
                        Arbitraries.strings().withChars(SPECIAL + "abcs/#%-0é€").ofMaxLength(80)),
                Tuple.of(3, Mutations.of(seeds).map(b -> new String(b, StandardCharsets.UTF_8))),
                Tuple.of(1, Arbitraries.strings().ofMaxLength(40)),
                Tuple.of(1, Arbitraries.of(LINES).map(FuzzCorpus.Seed::text)));
    }

    /** Commands of words that survive escaping: anything but NUL and CR, which end a command before escapes count. */
    @Provide
    Arbitrary<List<List<String>>> commands() {
        Arbitrary<String> word = Arbitraries.oneOf(
                Arbitraries.strings().withChars(" \t;\\abc/#%é€").ofMinLength(1).ofMaxLength(8),
                Arbitraries.strings()
                        .ofMinLength(1)
                        .ofMaxLength(8)
                        .filter(w -> w.indexOf('\0') < 0 && w.indexOf('\r') < 0));
        return word.list().ofMaxSize(10).list().ofMinSize(1).ofMaxSize(4);
    }

    @Provide
    Arbitrary<List<String>> blanks() {
        return Arbitraries.strings()
                .withChars(" \t")
                .ofMaxLength(3)
                .list()
                .ofMinSize(1)
                .ofMaxSize(5);
    }

    /** Counts an outcome; fails the property if its inputs reach {@code reached} in less than {@code min} % of tries. */
    private static void count(String label, Object outcome, Object reached, double min) {
        Statistics.label(label).collect(outcome);
        Statistics.label(label).coverage(c -> c.check(reached).percentage(p -> p >= min));
    }

    /** HAProxy's escaping: a backslash before each character that would otherwise end a word or a command. */
    private static String escape(String word) {
        StringBuilder s = new StringBuilder();
        for (char c : word.toCharArray()) {
            if (c == '\\' || c == ' ' || c == '\t' || c == ';') {
                s.append('\\');
            }
            s.append(c);
        }
        return s.toString();
    }

    /** The rules without escapes: split on {@code ;}, cut at NUL, drop a trailing CR, split on blanks, 64 words. */
    private static List<List<String>> naive(String line) {
        List<List<String>> commands = new ArrayList<>();
        for (String command : line.split(";", -1)) {
            String c = command.contains("\0") ? command.substring(0, command.indexOf('\0')) : command;
            c = c.endsWith("\r") ? c.substring(0, c.length() - 1) : c;
            List<String> words = Arrays.stream(c.split("[ \t]+"))
                    .filter(w -> !w.isEmpty())
                    .limit(CliRequest.MAX_WORDS)
                    .toList();
            commands.add(words);
        }
        return commands;
    }

    private static int count(String s, char c) {
        return (int) s.chars().filter(ch -> ch == c).count();
    }
}
