package io.understudy.admin.stats;

import java.util.List;

/**
 * The columns Debian's HAProxy 2.6.12 prints after the {@code -} marker: counters of its SSL, HTTP/2 and HTTP/1 modules,
 * in its order. Understudy has no SSL and speaks no HTTP, so each is 0 where that HAProxy prints a number for a tcp
 * proxy, and empty where it prints nothing: frontend and backend rows fill all of them, server rows only the SSL ones.
 * HAProxy documents that the columns after {@code -} are build-dependent; they are printed so that the header, and any
 * tool that counts columns, match the HAProxy operators compare with.
 */
final class ModuleColumns {
    static final List<String> NAMES = List.of(
            "ssl_sess",
            "ssl_reused_sess",
            "ssl_failed_handshake",
            "h2_headers_rcvd",
            "h2_data_rcvd",
            "h2_settings_rcvd",
            "h2_rst_stream_rcvd",
            "h2_goaway_rcvd",
            "h2_detected_conn_protocol_errors",
            "h2_detected_strm_protocol_errors",
            "h2_rst_stream_resp",
            "h2_goaway_resp",
            "h2_open_connections",
            "h2_backend_open_streams",
            "h2_total_connections",
            "h2_backend_total_streams",
            "h1_open_connections",
            "h1_open_streams",
            "h1_total_connections",
            "h1_total_streams",
            "h1_bytes_in",
            "h1_bytes_out",
            "h1_spliced_bytes_in",
            "h1_spliced_bytes_out");

    /** How many leading module columns (the SSL ones) a server row fills. */
    private static final int FILLED_ON_SERVERS = 3;

    /** HAProxy 2.6's typed description of each module column: counters, except the open connections and streams. */
    static FieldTags tags(String name) {
        return name.contains("_open_") ? GAUGE : COUNTER;
    }

    private static final FieldTags COUNTER = FieldTags.parse("MCP:u64");
    private static final FieldTags GAUGE = FieldTags.parse("MGP:u64");

    /** How many module columns a row of this type fills (with 0), from the first. */
    static int filled(RowType type) {
        return type == RowType.SERVER ? FILLED_ON_SERVERS : NAMES.size();
    }

    private ModuleColumns() {}

    /** Appends {@code -,} and the module cells of a row of this type, each followed by a comma. */
    static void append(RowType type, StringBuilder out) {
        out.append("-,");
        int filled = filled(type);
        for (int i = 0; i < NAMES.size(); i++) {
            out.append(i < filled ? "0," : ",");
        }
    }
}
