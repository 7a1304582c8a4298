package io.understudy.admin.command;

import static org.assertj.core.api.Assertions.assertThat;

import io.understudy.core.config.AdminSocketConfig.Level;
import io.understudy.core.model.AdminFlag;
import io.understudy.core.model.Server;
import io.understudy.testkit.LeakDetectionExtension;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** Server commands against a running engine: their effect through the control plane and HAProxy's exact texts. */
@Timeout(60)
@ExtendWith(LeakDetectionExtension.class)
class ServerCommandsTest {
    static TestProxy proxy;

    @BeforeAll
    static void start() throws Exception {
        proxy = TestProxy.start();
    }

    @AfterAll
    static void stop() {
        proxy.close();
    }

    String admin(String command) throws Exception {
        return proxy.run(Level.ADMIN, command);
    }

    @Test
    void disableAndEnableServerFlipMaintenanceAndReplyEmpty() throws Exception {
        Server primary = proxy.server("Primary");
        assertThat(admin("disable server MySQL/Primary")).isEmpty();
        assertThat(primary.state().admin()).containsExactly(AdminFlag.FMAINT);
        assertThat(proxy.engine().backends().get(0).snapshot().runningOnBackup())
                .isTrue();

        assertThat(admin("enable server MySQL/Primary")).isEmpty();
        assertThat(primary.state().admin()).isEmpty();
        assertThat(primary.state().usable()).isTrue();
    }

    @Test
    void setServerStateCoversReadyDrainMaint() throws Exception {
        Server s = proxy.server("Secondary");
        assertThat(admin("set server MySQL/Secondary state maint")).isEmpty();
        assertThat(s.state().admin()).containsExactly(AdminFlag.FMAINT);
        assertThat(admin("set server MySQL/Secondary state drain")).isEmpty();
        assertThat(s.state().admin()).containsExactly(AdminFlag.FDRAIN);
        assertThat(admin("set server MySQL/Secondary state maint")).isEmpty();
        assertThat(s.state().admin()).containsExactly(AdminFlag.FMAINT);
        assertThat(admin("set server MySQL/Secondary state ready")).isEmpty();
        assertThat(s.state().admin()).isEmpty();
    }

    @Test
    void enableServerBringsUpAConfigDisabledServer() throws Exception {
        try (TestProxy disabled = TestProxy.withDisabledSecondary()) {
            Server s = disabled.server("Secondary");
            assertThat(s.state().admin()).containsExactly(AdminFlag.CMAINT);
            assertThat(disabled.run(Level.ADMIN, "enable server MySQL/Secondary"))
                    .isEmpty();
            assertThat(s.state().admin()).isEmpty();
        }
    }

    @Test
    void weightsAbsoluteRelativeAndViaBothSpellings() throws Exception {
        Server s = proxy.server("Secondary");
        assertThat(admin("get weight MySQL/Secondary")).isEqualTo("1 (initial 1)\n");
        assertThat(admin("set weight MySQL/Secondary 0")).isEmpty();
        assertThat(admin("get weight MySQL/Secondary")).isEqualTo("0 (initial 1)\n");
        assertThat(s.state().usable()).isFalse();
        assertThat(admin("set server MySQL/Secondary weight 256")).isEmpty();
        assertThat(admin("get weight MySQL/Secondary")).isEqualTo("256 (initial 1)\n");
        // Relative to the initial weight, capped at 256.
        assertThat(admin("set weight MySQL/Secondary 30000%")).isEmpty();
        assertThat(s.state().weight()).isEqualTo(256);
        assertThat(admin("set server MySQL/#2 weight 100%")).isEmpty();
        assertThat(proxy.run(Level.USER, "get weight #1/#2")).isEqualTo("1 (initial 1)\n");
    }

    @Test
    void weightErrorsAreHaproxys() throws Exception {
        assertThat(admin("set weight MySQL/Secondary")).isEqualTo("Require <weight> or <weight%>.\n");
        assertThat(admin("set server MySQL/Secondary weight")).isEqualTo("Require <weight> or <weight%>.\n");
        assertThat(admin("set weight MySQL/Secondary 257"))
                .isEqualTo("Absolute weight can only be between 0 and 256 inclusive.\n");
        assertThat(admin("set weight MySQL/Secondary -1"))
                .isEqualTo("Absolute weight can only be between 0 and 256 inclusive.\n");
        assertThat(admin("set weight MySQL/Secondary -5%")).isEqualTo("Relative weight must be positive.\n");
        assertThat(admin("set weight MySQL/Secondary x")).isEqualTo("Empty weight string empty or preceded by garbage");
        assertThat(admin("set weight MySQL/Secondary 10x")).isEqualTo("Trailing garbage in weight string\n");
        assertThat(proxy.server("Secondary").state().weight()).isEqualTo(1);
    }

    @Test
    void lookupErrorsInHaproxysOrder() throws Exception {
        for (String verb : new String[] {"disable server", "enable server", "get weight", "set weight"}) {
            assertThat(admin(verb + " MySQL")).as(verb).isEqualTo("Require 'backend/server'.\n");
            assertThat(admin(verb + " MySQL/")).as(verb).isEqualTo("Require 'backend/server'.\n");
            assertThat(admin(verb)).as(verb).isEqualTo("Require 'backend/server'.\n");
            assertThat(admin(verb + " nope/Primary")).as(verb).isEqualTo("No such backend.\n");
            assertThat(admin(verb + " MySQL/nope")).as(verb).isEqualTo("No such server.\n");
        }
        assertThat(admin("set server nope/x bogus")).isEqualTo("No such backend.\n");
        assertThat(admin("shutdown sessions server MySQL/nope")).isEqualTo("No such server.\n");
        assertThat(admin("disable health MySQL")).isEqualTo("Require 'backend/server'.\n");
    }

    @Test
    void runtimeSettingsChangeTheServerAndRefuseWhatHaproxyWouldGetWrong() throws Exception {
        Server s = proxy.server("Secondary");
        java.net.InetSocketAddress was = s.address();
        String ip = was.getAddress().getHostAddress();
        try {
            // Atomic here: a bad port changes nothing (HAProxy would change the address and report the port).
            assertThat(admin("set server MySQL/Secondary addr 127.0.0.9 port abc"))
                    .isEqualTo("problem converting port 'abc' to an int by 'stats socket command'\n");
            assertThat(admin("set server MySQL/Secondary addr 127.0.0.9 port 70000"))
                    .isEqualTo("port '70000' is outside 1..65535 by 'stats socket command'\n");
            assertThat(s.address()).isEqualTo(was);
            assertThat(admin("set server MySQL/Secondary addr 127.0.0.9 port 4406"))
                    .isEqualTo("IP changed from '" + ip + "' to '127.0.0.9', port changed from '" + was.getPort()
                            + "' to '4406' by 'stats socket command'\n");
            assertThat(s.address()).isEqualTo(new java.net.InetSocketAddress("127.0.0.9", 4406));
            assertThat(admin("show servers state MySQL"))
                    .contains(" Secondary 127.0.0.9 ")
                    .contains(" 4406 ");
        } finally {
            admin("set server MySQL/Secondary addr " + ip + " port " + was.getPort());
        }
        assertThat(s.address()).isEqualTo(was);
        // HAProxy's atoi turns -3 and 99999999999 into limits nobody asked for.
        assertThat(admin("set maxconn server MySQL/Secondary -3")).isEqualTo("Value out of range.\n");
        assertThat(admin("set maxconn server MySQL/Secondary 99999999999")).isEqualTo("Value out of range.\n");
        assertThat(admin("set maxconn server MySQL/Secondary 10abc")).isEqualTo("Trailing garbage in maxconn string");
        assertThat(admin("add server MySQL/a#b 127.0.0.1:3306"))
                .isEqualTo("invalid server name 'a#b': use letters, digits, '_', '.' and '-' only\n");
        assertThat(admin("set server MySQL/Secondary addr 999.1.1.1"))
                .isEqualTo("Invalid addr '999.1.1.1' by 'stats socket command'\n");
        assertThat(admin("set maxconn server MySQL/Secondary 12")).isEmpty();
        assertThat(s.maxconn()).isEqualTo(12);
        assertThat(admin("set maxconn server MySQL/Secondary 0")).isEmpty();
        assertThat(s.maxconn()).isZero();
        assertThat(proxy.run(Level.OPERATOR, "set maxconn server MySQL/Secondary 5"))
                .isEqualTo("Permission denied\n");
    }

    @Test
    void setServerRefusals() throws Exception {
        assertThat(admin("set server MySQL/Primary state up"))
                .isEqualTo("'set server <srv> state' expects 'ready', 'drain' and 'maint'.\n");
        assertThat(admin("set server MySQL/Primary state"))
                .isEqualTo("'set server <srv> state' expects 'ready', 'drain' and 'maint'.\n");
        assertThat(admin("set server MySQL/Primary bogus"))
                .isEqualTo("usage: set server <backend>/<server> addr | check-port | health | state | weight\n");
        assertThat(admin("set server MySQL/Primary"))
                .isEqualTo("usage: set server <backend>/<server> addr | check-port | health | state | weight\n");
    }

    @Test
    void changesNeedAdminAndReadsWorkAtUser() throws Exception {
        String[] changes = {
            "disable server MySQL/Primary",
            "enable server MySQL/Primary",
            "set server MySQL/Primary state maint",
            "set weight MySQL/Primary 0",
            "disable health MySQL/Primary",
            "enable health MySQL/Primary",
            "shutdown session 0x1",
            "shutdown sessions server MySQL/Primary",
            "set backend MySQL active-server Secondary",
        };
        for (String c : changes) {
            assertThat(proxy.run(Level.OPERATOR, c)).as(c).isEqualTo("Permission denied\n");
            assertThat(proxy.run(Level.USER, c)).as(c).isEqualTo("Permission denied\n");
        }
        assertThat(proxy.server("Primary").state().admin()).isEmpty();
        assertThat(proxy.server("Primary").state().weight()).isEqualTo(1);
        assertThat(proxy.run(Level.USER, "show sess")).isEqualTo("Permission denied\n");
        assertThat(proxy.run(Level.OPERATOR, "show sess")).matches(SessionCommandsTest.CLI_LINE + "\n");
        assertThat(proxy.run(Level.USER, "get weight MySQL/Primary")).isEqualTo("1 (initial 1)\n");
        assertThat(proxy.run(Level.USER, "show servers state")).startsWith("1\n# be_id ");
    }

    @Test
    void healthChecksPauseAndResume() throws Exception {
        Server primary = proxy.server("Primary");
        assertThat(admin("disable health MySQL/Primary")).isEmpty();
        assertThat(proxy.context().health().snapshot(primary).orElseThrow().paused())
                .isTrue();
        assertThat(admin("enable health MySQL/Primary")).isEmpty();
        assertThat(proxy.context().health().snapshot(primary).orElseThrow().paused())
                .isFalse();
        // Secondary has no check: disabling is a no-op, enabling is refused.
        assertThat(admin("disable health MySQL/Secondary")).isEmpty();
        assertThat(admin("enable health MySQL/Secondary"))
                .isEqualTo("Health check was not configured on this server, cannot enable.\n");
    }

    @Test
    void showEventsSaysWhoChangedWhatAndWhy() throws Exception {
        assertThat(admin("disable server MySQL/Primary")).isEmpty();
        assertThat(admin("set weight MySQL/Secondary 7")).isEmpty();
        String out = proxy.run(Level.OPERATOR, "show events");
        List<String> lines = out.lines().toList();
        assertThat(lines.get(0)).isEqualTo("# time generation origin object change (reason)");
        // Oldest first; each line: time, generation, origin, object, before -> after, reason.
        assertThat(lines)
                .anyMatch(l -> l.matches("\\S+Z #\\d+ cli MySQL/Primary UP -> MAINT \\(disable server\\)"))
                .anyMatch(l -> l.matches("\\S+Z #\\d+ cli MySQL traffic Primary -> Secondary \\(.*\\)"))
                .anyMatch(l ->
                        l.matches("\\S+Z #\\d+ cli MySQL/Secondary weight 1 -> 7 \\(weight changed from 1 to 7\\)"));
        long last = proxy.engine().control().generation();
        assertThat(proxy.run(Level.OPERATOR, "show events 1").lines().toList())
                .hasSize(2)
                .last()
                .asString()
                .contains(" #" + last + " cli MySQL/Secondary weight 1 -> 7");
        assertThat(proxy.run(Level.OPERATOR, "show events many")).isEqualTo("usage: show events [<count>]\n");
        assertThat(proxy.run(Level.USER, "show events")).isEqualTo(CliMessages.PERMISSION_DENIED);
        // The proxy is shared by this class's tests: put things back.
        assertThat(admin("enable server MySQL/Primary")).isEmpty();
        assertThat(admin("set weight MySQL/Secondary 1")).isEmpty();
    }
}
