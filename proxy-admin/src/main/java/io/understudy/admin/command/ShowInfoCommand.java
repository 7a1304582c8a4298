package io.understudy.admin.command;

import io.understudy.admin.AdminContext;
import io.understudy.admin.info.InfoField;
import io.understudy.admin.info.ProcessInfo;
import io.understudy.core.config.AdminSocketConfig.Level;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * {@code show info [typed|json] [desc] [float]}: process information as Debian's HAProxy 2.6 prints it (reference §1.7,
 * and the captured output in the stats test resources): every key that HAProxy prints, in its order, as {@code Key:
 * value} lines, as {@code typed} lines ({@code <pos>.<key>.1:<tags>:<type>:<value>}) or as {@code json}. {@code Name}
 * is {@code Understudy}; {@code Version}, {@code Release_date} and {@code Build info} are this build's. Keys for what
 * Understudy does not have (SSL, compression, pipes, peers of HAProxy's kind, logs received) print HAProxy's 0 for a
 * process without them. Where a value is an analogue rather than the same quantity, docs/admin.md says how it is made
 * ({@code Tasks}, {@code Jobs}, the rates with several listen sections, {@code BytesOutRate}). Any level.
 */
final class ShowInfoCommand implements Command {
    private static final long MB = 1024 * 1024;

    private final AdminContext context;
    private final ProcessInfo info;

    ShowInfoCommand(AdminContext context) {
        this.context = context;
        this.info = new ProcessInfo(context);
    }

    @Override
    public List<String> keywords() {
        return List.of("show", "info");
    }

    @Override
    public Level level() {
        return Level.USER;
    }

    @Override
    public String usage() {
        return Command.usageLine("show info [desc|json|typed|float]*", "report information about the running process");
    }

    @Override
    public CompletableFuture<String> run(List<String> args, CliSession session) {
        boolean typed = false;
        boolean json = false;
        boolean desc = false;
        for (String option : args.subList(2, args.size())) {
            switch (option) {
                    // The last of typed and json wins, as in HAProxy 2.6.
                case "typed" -> {
                    typed = true;
                    json = false;
                }
                case "json" -> {
                    json = true;
                    typed = false;
                }
                case "desc" -> desc = true;
                default -> {
                    // float: rates are whole numbers here, so it changes nothing; other words HAProxy 2.6 ignores too.
                }
            }
        }
        if (desc && (typed || json)) {
            // HAProxy appends each field's description; Understudy does not carry HAProxy's description texts.
            throw new CliException(CliMessages.SHOW_INFO_NO_DESC);
        }
        Map<InfoField, String> values = info.values(System.currentTimeMillis());
        return Command.reply(json ? json(values) : typed ? typed(values) : plain(values));
    }

    static String plain(Map<InfoField, String> values) {
        StringBuilder out = new StringBuilder(2048);
        values.forEach(
                (f, value) -> out.append(f.key()).append(": ").append(value).append('\n'));
        return out.toString();
    }

    static String typed(Map<InfoField, String> values) {
        StringBuilder out = new StringBuilder(4096);
        values.forEach((f, value) -> out.append(f.pos())
                .append('.')
                .append(f.key())
                .append(".1:")
                .append(f.tags().letters())
                .append(':')
                .append(f.tags().type())
                .append(':')
                .append(value)
                .append('\n'));
        return out.toString();
    }

    static String json(Map<InfoField, String> values) {
        StringBuilder out = new StringBuilder(16384).append('[');
        boolean first = true;
        for (Map.Entry<InfoField, String> e : values.entrySet()) {
            InfoField f = e.getKey();
            out.append(first ? "" : ",")
                    .append("{\"field\":{\"pos\":")
                    .append(f.pos())
                    .append(",\"name\":\"")
                    .append(f.key())
                    .append("\"},\"processNum\":1,");
            f.tags().appendJsonTagsAndValue(e.getValue(), out);
            out.append('}');
            first = false;
        }
        return out.append("]\n").toString();
    }
}
