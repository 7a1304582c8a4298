package io.understudy.core.model;

import static io.understudy.core.Commands.submit;
import static org.assertj.core.api.Assertions.assertThat;

import io.understudy.core.TestConfigs;
import io.understudy.core.config.FailoverPolicy;
import io.understudy.core.model.ControlCommand.FrontendAction;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Frontends and process limits in the model: HAProxy's refusals, what is a decision and what is not. */
class FrontendStateTest {
    private ControlPlane control;

    @BeforeEach
    void setUp() {
        Backend backend = new Backend(
                TestConfigs.listen("MySQL")
                        .server("P", 1)
                        .failover(FailoverPolicy.defaults())
                        .build()
                        .listens()
                        .get(0)
                        .backend(),
                0);
        control = new ControlPlane(List.of(backend), s -> 0);
        control.declareFrontends(Map.of("MySQL", 2000));
    }

    @AfterEach
    void tearDown() {
        control.close();
    }

    private Commit frontend(FrontendAction a) {
        return submit(control, new ControlCommand.ChangeFrontend("MySQL", a, Origin.CLI));
    }

    @Test
    void disableAndEnableAreDecisionsWithHaproxysRefusals() {
        assertThat(frontend(FrontendAction.ENABLE).refusal()).hasValue("All sockets are already enabled.");
        Commit off = frontend(FrontendAction.DISABLE);
        assertThat(off.events()).singleElement().isInstanceOf(ModelEvent.FrontendChanged.class);
        assertThat(control.frontend("MySQL").orElseThrow().disabled()).isTrue();
        assertThat(control.adminState().frontends().get("MySQL").disabled()).isPresent();
        assertThat(frontend(FrontendAction.DISABLE).refusal()).hasValue("All sockets are already disabled.");
        frontend(FrontendAction.ENABLE);
        assertThat(control.adminState().frontends()).isEmpty();
        assertThat(submit(control, new ControlCommand.ChangeFrontend("Nope", FrontendAction.DISABLE, Origin.CLI))
                        .refusal())
                .hasValue("No such frontend.");
    }

    @Test
    void aShutdownIsFinalButNotADecision() {
        long epoch = control.adminState().epoch().value();
        frontend(FrontendAction.SHUTDOWN);
        assertThat(control.frontend("MySQL").orElseThrow().stopped()).isTrue();
        // Lasts until a restart: neither kept in the state file nor sent to the peer.
        assertThat(control.adminState().isEmpty()).isTrue();
        assertThat(control.adminState().epoch().value()).isEqualTo(epoch);
        assertThat(frontend(FrontendAction.SHUTDOWN).refusal()).hasValue("Frontend was already shut down.");
        assertThat(frontend(FrontendAction.ENABLE).refusal())
                .hasValue("Frontend was previously shut down, cannot enable.");
        assertThat(frontend(FrontendAction.DISABLE).refusal())
                .hasValue("Frontend was previously shut down, cannot disable.");
    }

    @Test
    void maxconnsAndLimitsAreKeptAndRestoredExactly() {
        submit(control, new ControlCommand.SetFrontendMaxconn("MySQL", 100, Origin.CLI));
        submit(control, new ControlCommand.SetGlobalMaxconn(500, Origin.CLI));
        submit(control, new ControlCommand.SetConnRateLimit(50, Origin.CLI));
        assertThat(control.frontend("MySQL").orElseThrow().maxconn()).isEqualTo(100);
        assertThat(control.limits()).isEqualTo(new ProcessLimits(500, 50));
        AdminState saved = control.adminState();
        assertThat(saved.frontends().get("MySQL").maxconn().orElseThrow().value())
                .isEqualTo(100);
        assertThat(saved.process().maxconn().orElseThrow().value()).isEqualTo(500);
        assertThat(saved.process().connRate().orElseThrow().value()).isEqualTo(50);

        submit(control, new ControlCommand.ImportAdminState(AdminState.EMPTY, Origin.PEER, "peer"));
        assertThat(control.frontend("MySQL").orElseThrow().maxconn()).isEqualTo(2000);
        assertThat(control.limits()).isEqualTo(ProcessLimits.NONE);

        Commit back = submit(control, new ControlCommand.ImportAdminState(saved, Origin.STATE_FILE, "file"));
        assertThat(control.frontend("MySQL").orElseThrow().maxconn()).isEqualTo(100);
        assertThat(control.limits()).isEqualTo(new ProcessLimits(500, 50));
        assertThat(back.restored())
                .contains("global maxconn 500 ("
                        + saved.process().maxconn().orElseThrow().note().describe() + ")");
        assertThat(control.adminState().sameDecisions(saved)).isTrue();
    }
}
