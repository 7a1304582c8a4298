package io.understudy.admin.cli;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits a request line into commands and words exactly as HAProxy's CLI does ({@code cli_io_handler} and {@code
 * cli_parse_request}, reference §2.3): commands are separated by {@code ;} unless escaped as {@code \;}; words by spaces
 * and tabs; a backslash makes the next character literal ({@code \;}, {@code \ }, {@code \\}); a trailing {@code \r} is
 * dropped; a NUL byte ends the command (HAProxy works on C strings); at most 64 words are kept.
 */
final class CliRequest {
    /** HAProxy's {@code MAX_CLI_ARGS}. */
    static final int MAX_WORDS = 64;

    private CliRequest() {}

    /** The commands of one line, each as its words; an empty command is an empty list. Never empty itself. */
    static List<List<String>> parse(String line) {
        List<List<String>> commands = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c == '\\') {
                i++;
            } else if (c == ';') {
                commands.add(words(line.substring(start, i)));
                start = i + 1;
            }
        }
        commands.add(words(line.substring(start)));
        return commands;
    }

    /** The words of one command, unescaped. */
    static List<String> words(String command) {
        String cmd = command;
        int nul = cmd.indexOf('\0');
        if (nul >= 0) {
            cmd = cmd.substring(0, nul);
        }
        if (cmd.endsWith("\r")) {
            cmd = cmd.substring(0, cmd.length() - 1);
        }
        List<String> words = new ArrayList<>();
        int n = cmd.length();
        int i = 0;
        while (words.size() < MAX_WORDS && i < n) {
            while (i < n && (cmd.charAt(i) == ' ' || cmd.charAt(i) == '\t')) {
                i++;
            }
            if (i >= n) {
                break;
            }
            int end = i;
            while (end < n && cmd.charAt(end) != ' ' && cmd.charAt(end) != '\t') {
                // A backslash takes the next character into the word, whatever it is.
                end += cmd.charAt(end) == '\\' ? 2 : 1;
            }
            end = Math.min(end, n);
            words.add(unescape(cmd.substring(i, end)));
            i = end + 1;
        }
        return words;
    }

    /** {@code \\} becomes {@code \}; any other backslash is dropped and the next character kept. */
    private static String unescape(String raw) {
        if (raw.indexOf('\\') < 0) {
            return raw;
        }
        StringBuilder s = new StringBuilder(raw.length());
        for (int k = 0; k < raw.length(); k++) {
            char c = raw.charAt(k);
            if (c == '\\') {
                if (k + 1 < raw.length() && raw.charAt(k + 1) == '\\') {
                    k++;
                } else {
                    continue;
                }
            }
            s.append(raw.charAt(k));
        }
        return s.toString();
    }
}
