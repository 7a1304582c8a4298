package io.understudy.admin.stats;

import io.understudy.admin.AdminContext;
import io.understudy.admin.command.CliException;
import io.understudy.admin.command.StatsRenderer;
import java.util.List;
import java.util.Optional;

/**
 * The {@code show stat} command's renderer: takes a {@link StatsSnapshot} of the context and writes it as HAProxy's
 * CSV, filtered by the command's words ({@link StatFilter}), without the final empty line (the CLI adds it).
 *
 * <p>{@code typed} and {@code json} are not implemented: the CSV is printed instead.
 */
public final class StatsCsvRenderer implements StatsRenderer {
    private final Optional<DowntimeTracker> downtime;

    /** @param downtime the tracker attached at startup, for {@code chkdown} and {@code downtime} */
    public StatsCsvRenderer(Optional<DowntimeTracker> downtime) {
        this.downtime = downtime;
    }

    @Override
    public String render(AdminContext context, boolean userLevel) {
        return render(context, userLevel, List.of());
    }

    @Override
    public String render(AdminContext context, boolean userLevel, List<String> options) {
        StatsSnapshot snapshot = StatsSnapshot.capture(context, downtime, System.currentTimeMillis());
        StatFilter filter = StatFilter.parse(options, snapshot).orElseThrow(() -> new CliException("No such proxy.\n"));
        StatsCsvWriter writer = userLevel ? StatsCsvWriter.forUser() : StatsCsvWriter.forOperator();
        return writer.table(snapshot, filter);
    }
}
