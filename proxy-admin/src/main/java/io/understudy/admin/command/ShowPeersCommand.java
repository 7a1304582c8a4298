package io.understudy.admin.command;

import io.understudy.admin.AdminContext;
import io.understudy.admin.peers.PeerSync;
import io.understudy.admin.peers.PeerView;
import io.understudy.core.config.AdminSocketConfig.Level;
import io.understudy.core.model.ControlPlane;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * {@code show peers}: this proxy's place in its pair and what it knows of its peer, one {@code key=value} line each
 * (HAProxy's verb; its dump is about stick tables, ours about the decisions the pair shares):
 *
 * <pre>
 * local=lbA role=MASTER epoch=7 by=lbA ready=yes (caught up with peer lbB: ...)
 * peer=lbB addr=10.99.0.12:7400 status=ESTA out=up in=up last_sync=0.4s role=BACKUP epoch=7 by=lbA lag=0 refused=0 topology=same
 * lock=MySQL state=holding server=Primary holder=42 (this proxy holds the writer lock on MySQL/Primary)
 * </pre>
 *
 * {@code lag} is how many epochs the peer's state is behind this proxy's (negative: ahead). Without a {@code peers}
 * section: {@code local=<name> role=ALONE}. Operator level and above.
 */
final class ShowPeersCommand implements Command {
    private final AdminContext context;

    ShowPeersCommand(AdminContext context) {
        this.context = context;
    }

    @Override
    public List<String> keywords() {
        return List.of("show", "peers");
    }

    @Override
    public Level level() {
        return Level.OPERATOR;
    }

    @Override
    public String usage() {
        return Command.usageLine("show peers", "show the pair: roles, link, decisions' epochs");
    }

    @Override
    public CompletableFuture<String> run(List<String> args, CliSession session) {
        ControlPlane control = context.engine().control();
        var epoch = control.adminState().epoch();
        StringBuilder out = new StringBuilder();
        out.append("local=")
                .append(control.localName())
                .append(" role=")
                .append(control.pairRole().name())
                .append(" epoch=")
                .append(epoch.value())
                .append(" by=")
                .append(epoch.by().isEmpty() ? "-" : epoch.by());
        if (context.peers().isEmpty()) {
            return Command.reply(out.append('\n').toString());
        }
        PeerSync sync = context.peers().get();
        out.append(" ready=")
                .append(sync.ready() ? "yes" : "no")
                .append(" (")
                .append(sync.readiness())
                .append(")\n");
        long now = System.currentTimeMillis();
        for (PeerView v : sync.views()) {
            out.append("peer=")
                    .append(v.name())
                    .append(" addr=")
                    .append(v.address())
                    .append(" status=")
                    .append(v.status())
                    .append(" out=")
                    .append(v.outbound() ? "up" : "down")
                    .append(" in=")
                    .append(v.inbound() ? "up" : "down")
                    .append(" last_sync=")
                    .append(v.lastSyncMillis()
                            .map(t -> String.format("%.1fs", Math.max(0, now - t) / 1000.0))
                            .orElse("never"))
                    .append(" role=")
                    .append(v.role().map(r -> r.name()).orElse("-"))
                    .append(" epoch=")
                    .append(v.epoch().map(e -> Long.toString(e.value())).orElse("-"))
                    .append(" by=")
                    .append(v.epoch().map(e -> e.by().isEmpty() ? "-" : e.by()).orElse("-"))
                    .append(" lag=")
                    .append(v.epoch()
                            .map(e -> Long.toString(epoch.value() - e.value()))
                            .orElse("-"))
                    .append(" refused=")
                    .append(v.refused())
                    .append(" topology=")
                    .append(v.topologyDiffers() ? "differs" : "same");
            v.lastRefusal()
                    .ifPresent(r -> out.append(" last_refusal=\"").append(r).append('"'));
            out.append('\n');
        }
        context.fence().ifPresent(f -> f.views().forEach(v -> out.append("lock=")
                .append(v.backend())
                .append(" state=")
                .append(v.state())
                .append(" server=")
                .append(v.server().orElse("-"))
                .append(" holder=")
                .append(v.holder().map(String::valueOf).orElse("-"))
                .append(" (")
                .append(v.detail())
                .append(")\n")));
        return Command.reply(out.toString());
    }
}
