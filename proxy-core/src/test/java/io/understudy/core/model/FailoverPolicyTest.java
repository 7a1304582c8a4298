package io.understudy.core.model;

import static io.understudy.core.Commands.down;
import static io.understudy.core.Commands.move;
import static io.understudy.core.Commands.up;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.understudy.core.Commands;
import io.understudy.core.ProxyEngine;
import io.understudy.core.ScriptedServer;
import io.understudy.core.TestConfigs;
import io.understudy.core.config.FailoverPolicy;
import io.understudy.core.config.ProxyConfig;
import io.understudy.core.session.TerminationCause;
import java.io.InputStream;
import java.net.Socket;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Sessions closed when a server loses its role, and manual failback's pinning, through a running engine. */
@Timeout(60)
class FailoverPolicyTest {

    static ProxyConfig withPolicy(TestConfigs t, FailoverPolicy policy) {
        return t.failover(policy).build();
    }

    static String greet(Socket s) throws Exception {
        return ScriptedServer.readGreeting(s.getInputStream());
    }

    static Socket connect(ProxyEngine e) throws Exception {
        Socket s = new Socket();
        s.setSoTimeout(10_000);
        s.connect(e.boundAddress("MySQL").orElseThrow(), 5000);
        return s;
    }

    @Test
    void markedDownClosesTheServersSessionsAndFailbackClosesTheBackupsSessions() throws Exception {
        try (ScriptedServer p = ScriptedServer.greetingEcho("P1");
                ScriptedServer b = ScriptedServer.greetingEcho("B1");
                ProxyEngine e = new ProxyEngine(withPolicy(
                        TestConfigs.listen("MySQL")
                                .checked()
                                .server("Primary", p.port())
                                .backup("Secondary", b.port()),
                        FailoverPolicy.defaults()))) {
            e.start();
            ControlPlane control = e.control();
            Backend backend = e.backends().get(0);
            Server primary = backend.server("Primary").orElseThrow();
            Socket onPrimary = connect(e);
            assertThat(greet(onPrimary)).isEqualTo("P1");

            down(e.control(), primary);
            // The client of the server that lost its role is cut at once.
            assertThat(onPrimary.getInputStream().read()).isEqualTo(-1);
            await().until(() -> e.sessions().endedTotal(TerminationCause.SERVER_MARKED_DOWN) == 1);

            Socket onBackup = connect(e);
            assertThat(greet(onBackup)).isEqualTo("B1");
            up(e.control(), primary);
            assertThat(onBackup.getInputStream().read()).isEqualTo(-1);
            await().until(() -> e.sessions().endedTotal(TerminationCause.BACKUP_YIELDED) == 1);
            try (Socket again = connect(e)) {
                assertThat(greet(again)).isEqualTo("P1");
            }
            onPrimary.close();
            onBackup.close();
        }
    }

    @Test
    void withThePolicyOffSessionsStay() throws Exception {
        try (ScriptedServer p = ScriptedServer.greetingEcho("P1");
                ScriptedServer b = ScriptedServer.greetingEcho("B1");
                ProxyEngine e = new ProxyEngine(withPolicy(
                        TestConfigs.listen("MySQL")
                                .checked()
                                .server("Primary", p.port())
                                .backup("Secondary", b.port()),
                        new FailoverPolicy(FailoverPolicy.Failback.AUTO, false, false)))) {
            e.start();
            Server primary = e.backends().get(0).server("Primary").orElseThrow();
            try (Socket onPrimary = connect(e)) {
                assertThat(greet(onPrimary)).isEqualTo("P1");
                down(e.control(), primary);
                // Still relayed: HAProxy's default behaviour when the option is off.
                onPrimary.getOutputStream().write('x');
                assertThat(onPrimary.getInputStream().read()).isEqualTo('x');
            }
        }
    }

    @Test
    void manualFailbackKeepsTrafficOnTheBackupUntilAnOperatorMovesIt() throws Exception {
        try (ScriptedServer p = ScriptedServer.greetingEcho("P1");
                ScriptedServer b = ScriptedServer.greetingEcho("B1");
                ProxyEngine e = new ProxyEngine(withPolicy(
                        TestConfigs.listen("MySQL")
                                .checked()
                                .server("Primary", p.port())
                                .backup("Secondary", b.port()),
                        new FailoverPolicy(FailoverPolicy.Failback.MANUAL, true, true)))) {
            e.start();
            ControlPlane control = e.control();
            Backend backend = e.backends().get(0);
            Server primary = backend.server("Primary").orElseThrow();
            Server secondary = backend.server("Secondary").orElseThrow();

            down(e.control(), primary);
            assertThat(backend.snapshot().pinned()).contains(secondary);
            Socket onBackup = connect(e);
            assertThat(greet(onBackup)).isEqualTo("B1");

            // Primary is back: traffic and the backup's sessions stay where they are.
            up(e.control(), primary);
            try (Socket s = connect(e)) {
                assertThat(greet(s)).isEqualTo("B1");
            }
            onBackup.getOutputStream().write('y');
            assertThat(onBackup.getInputStream().read()).isEqualTo('y');

            // An operator moves traffic back: new sessions go to Primary, the backup's sessions are closed.
            move(control, backend, Optional.empty());
            assertThat(backend.snapshot().pinned()).isEmpty();
            try (Socket s = connect(e)) {
                assertThat(greet(s)).isEqualTo("P1");
            }
            InputStream in = onBackup.getInputStream();
            assertThat(in.read()).isEqualTo(-1);
            onBackup.close();
        }
    }

    @Test
    void manualFailbackMovesOnWhenThePinnedBackupFails() throws Exception {
        try (ScriptedServer p = ScriptedServer.greetingEcho("P1");
                ScriptedServer b1 = ScriptedServer.greetingEcho("B1");
                ScriptedServer b2 = ScriptedServer.greetingEcho("B2");
                ProxyEngine e = new ProxyEngine(withPolicy(
                        TestConfigs.listen("MySQL")
                                .checked()
                                .server("Primary", p.port())
                                .backup("Secondary", b1.port())
                                .backup("Tertiary", b2.port()),
                        new FailoverPolicy(FailoverPolicy.Failback.MANUAL, true, true)))) {
            e.start();
            ControlPlane control = e.control();
            Backend backend = e.backends().get(0);
            Server primary = backend.server("Primary").orElseThrow();
            down(e.control(), primary);
            down(e.control(), backend.server("Secondary").orElseThrow());
            assertThat(backend.snapshot().pinned())
                    .contains(backend.server("Tertiary").orElseThrow());
            up(e.control(), primary);
            try (Socket s = connect(e)) {
                assertThat(greet(s)).isEqualTo("B2");
            }
            // Pinning to a server that is not usable is refused.
            assertThat(Commands.submit(
                                    control,
                                    new ControlCommand.MoveTraffic(
                                            backend,
                                            Optional.of(
                                                    backend.server("Secondary").orElseThrow()),
                                            Origin.CLI,
                                            "operator"))
                            .refusal())
                    .contains("MySQL/Secondary is not usable");
            move(control, backend, Optional.of(primary));
            try (Socket s = connect(e)) {
                assertThat(greet(s)).isEqualTo("P1");
            }
        }
    }

    static Duration shortly() {
        return Duration.ofSeconds(5);
    }
}
