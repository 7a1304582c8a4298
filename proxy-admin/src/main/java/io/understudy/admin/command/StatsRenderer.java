package io.understudy.admin.command;

import io.understudy.admin.AdminContext;
import java.util.List;

/**
 * What {@code show stat} prints: HAProxy's CSV built from the running proxy. Implemented by the stats package (a
 * {@code StatsSnapshot} taken from the context, written by a {@code StatsCsvWriter}); this command package only asks for
 * the text, so the two evolve separately.
 *
 * <p>Contract: the returned text is the header line and one line per row, every line ending with {@code \n}, and
 * <em>without</em> the empty line that ends a CLI reply (the CLI adds it). It runs on the admin socket's event loop, so
 * it must only read published snapshots and counters, never block.
 */
@FunctionalInterface
public interface StatsRenderer {
    /**
     * @param context the running proxy
     * @param userLevel the client is at level {@code user}: HAProxy then leaves {@code addr}, {@code cookie} and
     *     {@code algo} empty (reference §2.2)
     */
    String render(AdminContext context, boolean userLevel);

    /**
     * With the words after {@code show stat} ({@code typed}, {@code json}, {@code up}, {@code no-maint}, filters); by
     * default they are ignored and the plain CSV is printed.
     */
    default String render(AdminContext context, boolean userLevel, List<String> options) {
        return render(context, userLevel);
    }
}
