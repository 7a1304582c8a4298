package io.understudy.admin.stats;

/**
 * How HAProxy describes a field in its {@code typed} and {@code json} outputs ({@code show stat typed}, {@code show
 * info json}, ...): origin, nature and scope, written as three letters in {@code typed} ({@code MGP}) and as words in
 * {@code json} ({@code "Metric"}, {@code "Gauge"}, {@code "Process"}), and the value's type ({@code u32}, {@code u64},
 * {@code s32}, {@code str}). The letters and words are HAProxy 2.6's.
 */
public record FieldTags(char origin, char nature, char scope, String type) {
    /** Parses {@code "MGP:u32"}, the form the typed output prints. */
    public static FieldTags parse(String tagsAndType) {
        int colon = tagsAndType.indexOf(':');
        if (colon != 3) {
            throw new IllegalArgumentException("expected three tag letters, ':' and a type: " + tagsAndType);
        }
        FieldTags t = new FieldTags(
                tagsAndType.charAt(0), tagsAndType.charAt(1), tagsAndType.charAt(2), tagsAndType.substring(4));
        // Fail at class initialisation, not at the first show command, on a letter HAProxy does not use.
        t.originName();
        t.natureName();
        t.scopeName();
        return t;
    }

    /** The three letters of the typed output, e.g. {@code MGP}. */
    public String letters() {
        return "" + origin + nature + scope;
    }

    /** Whether values of this field are texts (JSON strings) rather than numbers. */
    public boolean text() {
        return type.equals("str");
    }

    public String originName() {
        return switch (origin) {
            case 'M' -> "Metric";
            case 'S' -> "Status";
            case 'K' -> "Key";
            case 'C' -> "Config";
            case 'P' -> "Product";
            default -> throw new IllegalArgumentException("origin " + origin);
        };
    }

    public String natureName() {
        return switch (nature) {
            case 'G' -> "Gauge";
            case 'L' -> "Limit";
            case 'm' -> "Min";
            case 'M' -> "Max";
            case 'R' -> "Rate";
            case 'C' -> "Counter";
            case 'D' -> "Duration";
            case 'A' -> "Age";
            case 'T' -> "Time";
            case 'N' -> "Name";
            case 'O' -> "Output";
            case 'a' -> "Avg";
            default -> throw new IllegalArgumentException("nature " + nature);
        };
    }

    public String scopeName() {
        return switch (scope) {
            case 'P' -> "Process";
            case 'S' -> "Service";
            case 's' -> "System";
            case 'C' -> "Cluster";
            default -> throw new IllegalArgumentException("scope " + scope);
        };
    }

    /**
     * {@code "tags":{...},"value":{...}} of HAProxy's JSON for a value of this field: numbers bare, texts as JSON
     * strings.
     */
    public void appendJsonTagsAndValue(String value, StringBuilder out) {
        out.append("\"tags\":{\"origin\":\"")
                .append(originName())
                .append("\",\"nature\":\"")
                .append(natureName())
                .append("\",\"scope\":\"")
                .append(scopeName())
                .append("\"},\"value\":{\"type\":\"")
                .append(type)
                .append("\",\"value\":");
        if (text()) {
            appendJsonString(value, out);
        } else {
            out.append(value);
        }
        out.append("}");
    }

    /** A JSON string literal, escaped as JSON requires. */
    public static void appendJsonString(String s, StringBuilder out) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }
}
