package io.understudy.admin.command;

import io.understudy.admin.AdminContext;
import io.understudy.checks.CheckSnapshot;
import io.understudy.checks.CheckStatus;
import io.understudy.core.config.AdminSocketConfig.Level;
import io.understudy.core.model.Backend;
import io.understudy.core.model.ControlPlane;
import io.understudy.core.model.Server;
import io.understudy.core.model.ServerState;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * {@code show servers state [<backend>]}: HAProxy's volatile server state (reference §1.8), the format HAProxy's
 * {@code server-state-file} uses: a version line {@code 1}, a {@code #} header, one space-separated row per server with
 * HAProxy's numeric encodings. Any level. The manual-failback pin is not a HAProxy column, so it is shown by
 * {@code show backend <b>} instead, keeping this format loadable by HAProxy tools.
 */
final class ShowServersStateCommand implements Command {
    /** HAProxy's {@code SRV_STATE_FILE_HEADER} (reference §1.8). */
    static final String HEADER = "# be_id be_name srv_id srv_name srv_addr srv_op_state srv_admin_state srv_uweight"
            + " srv_iweight srv_time_since_last_change srv_check_status srv_check_result srv_check_health"
            + " srv_check_state srv_agent_state bk_f_forced_id srv_f_forced_id srv_fqdn srv_port srvrecord"
            + " srv_use_ssl srv_check_port srv_check_addr srv_agent_addr srv_agent_port\n";

    // HAProxy's check state bits (reference §1.8, srv_check_state).
    private static final int CHK_ST_INPROGRESS = 0x01;
    private static final int CHK_ST_CONFIGURED = 0x02;
    private static final int CHK_ST_ENABLED = 0x04;
    private static final int CHK_ST_PAUSED = 0x08;

    // HAProxy's check result classes (reference §1.8, srv_check_result).
    private static final int CHK_RES_UNKNOWN = 0;
    private static final int CHK_RES_FAILED = 2;
    private static final int CHK_RES_PASSED = 3;

    private final AdminContext context;

    ShowServersStateCommand(AdminContext context) {
        this.context = context;
    }

    @Override
    public List<String> keywords() {
        return List.of("show", "servers", "state");
    }

    @Override
    public Level level() {
        return Level.USER;
    }

    @Override
    public String usage() {
        return Command.usageLine(
                "show servers state [<backend>]", "dump volatile server information (all or for a single backend)");
    }

    @Override
    public CompletableFuture<String> run(List<String> args, CliSession session) {
        ControlPlane control = context.engine().control();
        Optional<Backend> only = ServerLookup.onlyBackend(control, Command.arg(args, 3));
        return Command.reply(render(only, System.currentTimeMillis()));
    }

    /** The whole reply for one backend, or every backend when {@code only} is empty. */
    String render(Optional<Backend> only, long nowMillis) {
        StringBuilder out = new StringBuilder("1\n").append(HEADER);
        ControlPlane control = context.engine().control();
        for (Backend b : control.backends()) {
            if (only.isEmpty() || only.get() == b) {
                int beId = ServerLookup.backendId(context.engine(), b);
                for (Server s : b.servers()) {
                    row(out, beId, b, s, nowMillis);
                }
            }
        }
        return out.toString();
    }

    private void row(StringBuilder out, int beId, Backend b, Server s, long nowMillis) {
        ServerState st = s.state();
        Optional<CheckSnapshot> check = context.health().snapshot(s, st);
        InetSocketAddress addr = st.settings().address().resolved();
        // No address yet (init-addr none): "-", as HAProxy prints an unset field.
        String ip = addr.isUnresolved() ? "-" : ServerLookup.ip(addr);
        // The host name the resolvers follow (HAProxy's srv_fqdn), "-" for a server given by IP.
        String fqdn = s.config().address().isName() ? s.config().address().host() : "-";
        CheckStatus status = check.map(CheckSnapshot::status).orElse(CheckStatus.INI);
        // An unchecked server sits at health = rise, as HAProxy leaves it (observed: "no check" rows show 2).
        int health =
                check.map(c -> c.health().health()).orElse(s.config().check().rise());
        out.append(beId)
                .append(' ')
                .append(b.name())
                .append(' ')
                .append(s.config().id())
                .append(' ')
                .append(s.name())
                .append(' ')
                .append(ip)
                .append(' ')
                .append(st.op().ordinal())
                .append(' ')
                .append(st.adminBits())
                .append(' ')
                .append(st.weight())
                .append(' ')
                .append(s.config().weight())
                .append(' ')
                .append(Math.max(0, (nowMillis - st.lastChangeMillis()) / 1000))
                .append(' ')
                .append(status.number())
                .append(' ')
                .append(checkResult(status))
                .append(' ')
                .append(health)
                .append(' ')
                .append(checkState(check, st))
                .append(' ')
                .append("0 0 0 ") // srv_agent_state bk_f_forced_id srv_f_forced_id
                .append(fqdn)
                .append(' ')
                .append(addr.getPort())
                .append(" - 0 ") // srvrecord srv_use_ssl
                .append(st.settings().checkPort())
                .append(" - - 0\n"); // srv_check_addr srv_agent_*
    }

    private static int checkResult(CheckStatus status) {
        return switch (status.outcome()) {
            case PASSED -> CHK_RES_PASSED;
            case FAILED -> CHK_RES_FAILED;
            case UNKNOWN -> CHK_RES_UNKNOWN;
        };
    }

    /** HAProxy: configured + enabled, in progress while a check runs, paused in maintenance; 0 without checks. */
    private static int checkState(Optional<CheckSnapshot> check, ServerState st) {
        if (check.isEmpty()) {
            return 0;
        }
        CheckSnapshot c = check.get();
        int bits = CHK_ST_CONFIGURED;
        if (!c.paused()) {
            bits |= CHK_ST_ENABLED;
        }
        if (c.inProgress()) {
            bits |= CHK_ST_INPROGRESS;
        }
        if (st.inMaintenance()) {
            bits |= CHK_ST_PAUSED;
        }
        return bits;
    }
}
