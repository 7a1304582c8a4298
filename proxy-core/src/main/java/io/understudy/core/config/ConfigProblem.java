package io.understudy.core.config;

/**
 * One thing wrong with a configuration, phrased for the operator who must fix it.
 *
 * @param key the full HOCON path of the offending setting (e.g. {@code listen.MySQL.servers[1].address})
 * @param value the bad value as written, or empty when the setting is missing
 * @param expected what would have been accepted
 * @param origin {@code file:line} as HOCON reports it, or the file alone when the line is unknown
 */
public record ConfigProblem(String key, String value, String expected, String origin) {
    /** One line: {@code file:line: key = value: expected ...}. */
    public String describe() {
        String v = value.isEmpty() ? "(missing)" : value;
        return origin + ": " + key + " = " + v + ": expected " + expected;
    }
}
