package io.understudy.core.model;

import static io.understudy.core.Commands.down;
import static io.understudy.core.Commands.mode;
import static io.understudy.core.Commands.submit;
import static org.assertj.core.api.Assertions.assertThat;

import io.understudy.core.TestConfigs;
import io.understudy.core.config.FailoverPolicy;
import io.understudy.core.config.LiveErrors;
import io.understudy.core.model.AdminState.BackendAdmin;
import io.understudy.core.model.AdminState.Note;
import io.understudy.core.model.AdminState.ServerAdmin;
import io.understudy.core.model.ModelEvent.ServerChanged;
import io.understudy.core.model.ModelEvent.TrafficMoved;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** What single commands do to the model: the rules that are not visible in a random walk. */
class ControlPlaneTest {
    private Backend backend;
    private ControlPlane control;

    private void setUp(TestConfigs cfg, FailoverPolicy policy) {
        backend = new Backend(cfg.failover(policy).build().listens().get(0).backend(), 0);
        control = new ControlPlane(List.of(backend), s -> 0);
    }

    @AfterEach
    void tearDown() {
        control.close();
    }

    private Server s(String name) {
        return backend.server(name).orElseThrow();
    }

    @Test
    void aCheckThatEndsDuringMaintenanceOrWithChecksOffChangesNothing() {
        setUp(TestConfigs.listen("MySQL").checked().server("P", 1).backup("B", 2), FailoverPolicy.defaults());
        mode(control, s("P"), AdminMode.MAINT);
        // A check that was running when the operator put P in maintenance fails afterwards: P must not be marked
        // down (that would close its sessions, which an operator's maintenance never does).
        Commit late = submit(control, new ControlCommand.CheckOutcome(s("P"), CheckVerdict.FAILED, "late"));
        assertThat(late.events()).isEmpty();
        assertThat(s("P").state().op()).isEqualTo(OpState.RUNNING);
        mode(control, s("P"), AdminMode.READY);
        submit(control, new ControlCommand.SetChecksEnabled(s("P"), false, Origin.CLI));
        assertThat(submit(control, new ControlCommand.CheckOutcome(s("P"), CheckVerdict.FAILED, "late"))
                        .events())
                .isEmpty();
        assertThat(s("P").state().op()).isEqualTo(OpState.RUNNING);
    }

    @Test
    void aMarkedDownServerIsOneCommitWithItsTrafficMoveAndTheirCommonGeneration() {
        setUp(TestConfigs.listen("MySQL").checked().server("P", 1).backup("B", 2), FailoverPolicy.defaults());
        long before = control.generation();
        Commit c = down(control, s("P"));
        assertThat(c.generation()).isEqualTo(before + 1);
        assertThat(c.events()).hasSize(2);
        ServerChanged changed = (ServerChanged) c.events().get(0);
        assertThat(changed.markedDown()).isTrue();
        assertThat(changed.origin()).isEqualTo(Origin.HEALTH);
        assertThat(changed.reason().cause()).isEqualTo(Reason.Cause.CHECK);
        assertThat(changed.after().downtime().transitions()).isEqualTo(1);
        TrafficMoved moved = (TrafficMoved) c.events().get(1);
        assertThat(moved.before().targets()).containsExactly(s("P"));
        assertThat(moved.after().targets()).containsExactly(s("B"));
        assertThat(moved.reason().text()).startsWith("MySQL/P: ");
        assertThat(backend.snapshot().failovers()).isEqualTo(1);
        assertThat(control.lastEvents(10)).containsExactlyElementsOf(c.events());
    }

    @Test
    void liveTrafficFailuresDoNotCountAgainstAnUncheckedServer() {
        setUp(TestConfigs.listen("MySQL").server("P", 1), FailoverPolicy.defaults());
        assertThat(submit(control, new ControlCommand.PassiveFailure(s("P"), refused()))
                        .events())
                .isEmpty();
        assertThat(s("P").state().op()).isEqualTo(OpState.RUNNING);
    }

    @Test
    void aLiveTrafficFailureCountsOnceUntilTheNextCheck() {
        // rise 2, fall 3, starting up one failure from down (health = rise); each live error counts as a failed check.
        setUp(
                TestConfigs.listen("MySQL")
                        .check(TestConfigs.check(2, 3, new LiveErrors(true, 1, LiveErrors.OnError.FAIL_CHECK)))
                        .server("P", 1)
                        .backup("B", 2),
                FailoverPolicy.defaults());
        submit(control, new ControlCommand.CheckOutcome(s("P"), CheckVerdict.PASSED, "ok"));
        assertThat(s("P").state().check().health().health()).isEqualTo(4);
        Commit first = submit(control, new ControlCommand.PassiveFailure(s("P"), refused()));
        assertThat(first.events()).hasSize(1).first().isInstanceOf(ServerChanged.class);
        assertThat(first.events().get(0).origin()).isEqualTo(Origin.TRAFFIC);
        assertThat(s("P").state().check().health().health()).isEqualTo(3);
        // A burst of clients finding P dead counts once: the next check decides.
        for (int i = 0; i < 5; i++) {
            assertThat(submit(control, new ControlCommand.PassiveFailure(s("P"), refused()))
                            .events())
                    .isEmpty();
        }
        assertThat(s("P").state().check().health().health()).isEqualTo(3);
        assertThat(s("P").state().check().passiveFailures()).isEqualTo(1);
        submit(control, new ControlCommand.CheckOutcome(s("P"), CheckVerdict.FAILED, "failed"));
        assertThat(s("P").state().check().health().health()).isEqualTo(2);
        submit(control, new ControlCommand.PassiveFailure(s("P"), refused()));
        assertThat(s("P").state().op()).isEqualTo(OpState.STOPPED);
        assertThat(s("P").state().check().passiveFailures()).isEqualTo(2);
    }

    @Test
    void anImportThatCannotKeepAPinClearsTheOneInForce() {
        setUp(
                TestConfigs.listen("MySQL")
                        .checked()
                        .server("P", 1)
                        .backup("B1", 2)
                        .backup("B2", 3),
                new FailoverPolicy(FailoverPolicy.Failback.MANUAL, true, true));
        down(control, s("P"));
        assertThat(backend.snapshot().pinned()).contains(s("B1"));
        // The imported state pins B1 but also puts it in maintenance: the pin cannot hold, and nothing else is pinned.
        AdminState state = new AdminState(
                Map.of("MySQL/B1", new ServerAdmin(Optional.of(Note.UNRECORDED), Optional.empty(), Optional.empty())),
                Map.of("MySQL", new BackendAdmin("B1", Note.UNRECORDED)));
        Commit c = submit(control, new ControlCommand.ImportAdminState(state, Origin.PEER, "peer"));
        assertThat(c.ignored()).anyMatch(l -> l.contains("not usable now"));
        assertThat(backend.snapshot().pinned()).isEmpty();
        assertThat(backend.snapshot().targets()).containsExactly(s("B2"));
        assertThat(c.events()).allMatch(e -> e.origin() == Origin.PEER);
    }

    private static io.understudy.core.config.CheckConfig checkWith(io.understudy.core.config.LiveErrors live) {
        return TestConfigs.check(2, 3, live);
    }

    /** P fully up (health 4 of rise 2 / fall 3) with {@code live}, then one live-traffic failure. */
    private Server afterOneLiveError(io.understudy.core.config.LiveErrors live) {
        setUp(
                TestConfigs.listen("MySQL")
                        .check(checkWith(live))
                        .server("P", 1)
                        .backup("B", 2),
                FailoverPolicy.defaults());
        submit(control, new ControlCommand.CheckOutcome(s("P"), CheckVerdict.PASSED, "ok"));
        submit(control, new ControlCommand.PassiveFailure(s("P"), refused()));
        return s("P");
    }

    @Test
    void onErrorActsAsHaproxysOptionsSay() {
        Server p = afterOneLiveError(new io.understudy.core.config.LiveErrors(
                true, 1, io.understudy.core.config.LiveErrors.OnError.MARK_DOWN));
        assertThat(p.state().op()).isEqualTo(OpState.STOPPED);
        control.close();

        p = afterOneLiveError(new io.understudy.core.config.LiveErrors(
                true, 1, io.understudy.core.config.LiveErrors.OnError.SUDDEN_DEATH));
        assertThat(p.state().check().health().health()).isEqualTo(2);
        assertThat(p.state().check().inDoubt()).isTrue();
        submit(control, new ControlCommand.CheckOutcome(p, CheckVerdict.FAILED, "failed"));
        assertThat(p.state().op()).isEqualTo(OpState.STOPPED);
        control.close();

        p = afterOneLiveError(new io.understudy.core.config.LiveErrors(
                true, 1, io.understudy.core.config.LiveErrors.OnError.FASTINTER));
        // Nothing counted, but the writer waits for the check it triggered, which here passes.
        assertThat(p.state().check().health().health()).isEqualTo(4);
        assertThat(p.state().check().inDoubt()).isTrue();
        assertThat(backend.snapshot().select(java.util.Set.of())).isEmpty();
        submit(control, new ControlCommand.CheckOutcome(p, CheckVerdict.PASSED, "ok"));
        assertThat(p.state().check().inDoubt()).isFalse();
        assertThat(backend.snapshot().select(java.util.Set.of())).isPresent();
        control.close();

        p = afterOneLiveError(new io.understudy.core.config.LiveErrors(
                false, 1, io.understudy.core.config.LiveErrors.OnError.MARK_DOWN));
        // observe none: live traffic says nothing.
        assertThat(p.state().op()).isEqualTo(OpState.RUNNING);
        assertThat(p.state().check().inDoubt()).isFalse();
    }

    @Test
    void aWriterLeavingMaintenanceOrGettingItsChecksBackIsNotLeftInDoubt() {
        Server p = afterOneLiveError(io.understudy.core.config.LiveErrors.DEFAULT);
        assertThat(p.state().check().inDoubt()).isTrue();
        mode(control, p, AdminMode.MAINT);
        mode(control, p, AdminMode.READY);
        assertThat(p.state().check().inDoubt()).isFalse();
        assertThat(backend.snapshot().select(java.util.Set.of())).isPresent();
        control.close();

        p = afterOneLiveError(io.understudy.core.config.LiveErrors.DEFAULT);
        submit(control, new ControlCommand.SetChecksEnabled(p, false, Origin.CLI));
        submit(control, new ControlCommand.SetChecksEnabled(p, true, Origin.CLI));
        assertThat(p.state().check().inDoubt()).isFalse();
    }

    @Test
    void errorLimitCountsLiveErrorsBetweenTwoChecks() {
        Server p = afterOneLiveError(new io.understudy.core.config.LiveErrors(
                true, 3, io.understudy.core.config.LiveErrors.OnError.MARK_DOWN));
        submit(control, new ControlCommand.PassiveFailure(p, refused()));
        assertThat(p.state().op()).isEqualTo(OpState.RUNNING);
        assertThat(p.state().check().liveErrors()).isEqualTo(2);
        // An active check in between starts the count again.
        submit(control, new ControlCommand.CheckOutcome(p, CheckVerdict.PASSED, "ok"));
        assertThat(p.state().check().liveErrors()).isZero();
        for (int i = 0; i < 2; i++) {
            submit(control, new ControlCommand.PassiveFailure(p, refused()));
        }
        assertThat(p.state().op()).isEqualTo(OpState.RUNNING);
        submit(control, new ControlCommand.PassiveFailure(p, refused()));
        assertThat(p.state().op()).isEqualTo(OpState.STOPPED);
    }

    private static io.understudy.core.backend.ConnectFailure refused() {
        return new io.understudy.core.backend.ConnectFailure(
                io.understudy.core.backend.ConnectFailure.Kind.CONNECTION, "Connection refused");
    }
}
