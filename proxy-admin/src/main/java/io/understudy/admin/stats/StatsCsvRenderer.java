package io.understudy.admin.stats;

import io.understudy.admin.AdminContext;
import io.understudy.admin.command.CliException;
import io.understudy.admin.command.CliMessages;
import io.understudy.admin.command.StatsRenderer;
import java.util.List;

/**
 * The {@code show stat} command's renderer: takes a {@link StatsSnapshot} of the context and writes it as HAProxy's
 * CSV, or its {@code typed} or {@code json} form ({@link StatsTypedWriter}), filtered by the command's words
 * ({@link StatFilter}), without the final empty line (the CLI adds it).
 */
public final class StatsCsvRenderer implements StatsRenderer {
    @Override
    public String render(AdminContext context, boolean userLevel) {
        return render(context, userLevel, List.of());
    }

    @Override
    public String render(AdminContext context, boolean userLevel, List<String> options) {
        StatsSnapshot snapshot = StatsSnapshot.capture(context);
        StatFilter filter =
                StatFilter.parse(options, snapshot).orElseThrow(() -> new CliException(CliMessages.NO_SUCH_PROXY));
        return switch (filter.format()) {
            case TYPED -> StatsTypedWriter.typed(!userLevel).table(snapshot, filter);
            case JSON -> StatsTypedWriter.json(!userLevel).table(snapshot, filter);
            case CSV -> (userLevel ? StatsCsvWriter.forUser() : StatsCsvWriter.forOperator()).table(snapshot, filter);
        };
    }
}
