package io.understudy.admin.command;

import java.nio.charset.StandardCharsets;

/**
 * HAProxy's word fingerprint ({@code update_word_fingerprint} in {@code tools.c}): counts of transitions between
 * character classes (26 letters, digit, other, begin, end). The distance between two fingerprints ranks which commands
 * look like a mistyped one, so that an unknown command suggests the same candidates HAProxy would.
 */
final class WordFingerprint {
    private static final int DIGIT = 26;
    private static final int OTHER = 27;
    private static final int BEGIN = 28;
    private static final int END = 29;

    private final int[] transitions = new int[1024];

    /** Adds one word (HAProxy works on bytes, so a non-ASCII character counts as several "other" bytes). */
    void add(String word) {
        int from = BEGIN;
        for (byte b : word.getBytes(StandardCharsets.UTF_8)) {
            int c = Character.toLowerCase(b & 0xff);
            int to;
            if (c >= 'a' && c <= 'z') {
                to = c - 'a';
            } else if (c >= '0' && c <= '9') {
                to = DIGIT;
            } else {
                to = OTHER;
            }
            transitions[32 * from + to]++;
            from = to;
        }
        transitions[32 * from + END]++;
    }

    int distance(WordFingerprint other) {
        int d = 0;
        for (int i = 0; i < transitions.length; i++) {
            d += Math.abs(transitions[i] - other.transitions[i]);
        }
        return d;
    }
}
