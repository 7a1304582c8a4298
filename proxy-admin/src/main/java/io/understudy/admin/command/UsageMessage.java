package io.understudy.admin.command;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The text of {@code help} and of an unknown command, built as HAProxy's {@code cli_gen_usage_msg} builds it: the
 * number of leading words some command matches exactly, then the closest commands by {@link WordFingerprint} for the
 * rest (at most five), or every command sharing the matched words; sorted by usage line, followed by the three lines
 * HAProxy always prints. Like HAProxy's, the list is the same at every level.
 */
final class UsageMessage {
    /** HAProxy's {@code CLI_PREFIX_KW_NB}: keywords have at most this many words. */
    private static final int PREFIX_WORDS = 5;

    /** HAProxy's {@code CLI_MAX_MATCHES}. */
    private static final int MAX_MATCHES = 5;

    /** HAProxy 2.9 (reference §2.4): printed after every list. */
    private static final String ALWAYS = "  " + Command.usageLine("help [<command>]", "list matching or all commands")
            + "\n  " + Command.usageLine("prompt [timed]", "toggle interactive mode with prompt")
            + "\n  " + Command.usageLine("quit", "disconnect")
            + "\n";

    private record Match(Command command, int distance) {}

    private final List<Command> commands;

    UsageMessage(List<Command> commands) {
        this.commands = List.copyOf(commands);
    }

    /** {@code help [words]}: {@code args} starts with {@code help}. */
    String help(List<String> args) {
        return render(args.subList(1, args.size()), true);
    }

    /** The reply to a command no keyword matches. */
    String unknown(List<String> args) {
        return render(args, false);
    }

    private String render(List<String> args, boolean help) {
        int length = 0;
        for (Command c : commands) {
            length = Math.max(length, matchingWords(c, args));
        }
        StringBuilder out = new StringBuilder();
        if (help) {
            out.append("The following commands are valid at this level:\n");
        } else {
            // HAProxy 2.6's wording (the parity reference); 2.8+ adds ": '<word>'" after "Unknown command".
            String first = args.isEmpty() ? "" : args.get(0);
            out.append("Unknown command");
            if (length == 0 && first.isEmpty()) {
                out.append(". Please enter one of the following commands only:\n");
            } else {
                out.append(", but maybe one of the following ones is a better match:\n");
            }
        }
        List<Command> entries = closest(args, length);
        if (entries.isEmpty()) {
            for (Command c : commands) {
                if (!c.usage().isEmpty() && prefixMatches(c, args, length)) {
                    entries.add(c);
                }
            }
        }
        entries.sort(Comparator.comparing(Command::usage));
        for (Command c : entries) {
            out.append("  ").append(c.usage()).append('\n');
        }
        return out.append(ALWAYS).toString();
    }

    /** HAProxy's fuzzy pass: commands matching the first {@code length} words, ranked on the words after them. */
    private List<Command> closest(List<String> args, int length) {
        List<Command> picked = new ArrayList<>();
        if (length >= args.size() || args.get(length).isEmpty()) {
            return picked;
        }
        List<Match> best = new ArrayList<>();
        for (Command c : commands) {
            if (c.usage().isEmpty() || !prefixMatches(c, args, length)) {
                continue;
            }
            WordFingerprint typed = new WordFingerprint();
            WordFingerprint known = new WordFingerprint();
            int totalLength = 0;
            for (int i = length;
                    i < PREFIX_WORDS && i < args.size() && !args.get(i).isEmpty();
                    i++) {
                typed.add(args.get(i));
                totalLength += args.get(i).length();
            }
            List<String> kw = c.keywords();
            for (int i = length; i < PREFIX_WORDS && i < kw.size(); i++) {
                known.add(kw.get(i));
                totalLength += kw.get(i).length();
            }
            int d = typed.distance(known);
            boolean betterThanWorstKept =
                    best.size() < MAX_MATCHES || d < best.get(MAX_MATCHES - 1).distance();
            if (d < 5 * totalLength / 2 && betterThanWorstKept) {
                // Insert after any equal distance, as HAProxy's insertion does, and keep the best five.
                int at = best.size();
                while (at > 0 && best.get(at - 1).distance() > d) {
                    at--;
                }
                best.add(at, new Match(c, d));
                if (best.size() > MAX_MATCHES) {
                    best.remove(MAX_MATCHES);
                }
            }
        }
        for (Match m : best) {
            // Stop at candidates much worse than the best one.
            if (m.distance() > 5 * best.get(0).distance() / 2) {
                break;
            }
            picked.add(m.command());
        }
        return picked;
    }

    /** How many leading words of {@code args} equal the command's keywords (an empty word ends the line). */
    private static int matchingWords(Command c, List<String> args) {
        List<String> kw = c.keywords();
        int n = 0;
        while (n < kw.size()
                && n < args.size()
                && !args.get(n).isEmpty()
                && kw.get(n).equals(args.get(n))) {
            n++;
        }
        return n;
    }

    /** Whether the command's first {@code length} keywords equal the first {@code length} words typed. */
    private static boolean prefixMatches(Command c, List<String> args, int length) {
        List<String> kw = c.keywords();
        if (kw.size() < length) {
            return false;
        }
        for (int i = 0; i < length; i++) {
            if (!kw.get(i).equals(args.get(i))) {
                return false;
            }
        }
        return true;
    }
}
