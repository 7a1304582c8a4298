package io.understudy.core.config;

import static io.understudy.core.config.ConfigTesting.MINIMAL_LISTEN;
import static io.understudy.core.config.ConfigTesting.parse;
import static io.understudy.core.config.ConfigTesting.problems;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code global.log-format} and {@code global.log}: HAProxy's tcplog by default, syslog targets only when listed. */
class LogConfigTest {
    @Test
    void byDefaultExactTcplogOnTheConsoleOnly() throws Exception {
        GlobalConfig g = parse(MINIMAL_LISTEN).global();
        assertThat(g.logFormat()).isEqualTo(LogFormat.TCPLOG);
        assertThat(g.logTargets()).isEmpty();
        assertThat(parse("global.log-format = tcplog-extended\n" + MINIMAL_LISTEN)
                        .global()
                        .logFormat())
                .isEqualTo(LogFormat.TCPLOG_EXTENDED);
    }

    @Test
    void targetsAreUdpAddressesOrUnixSocketsWithFacilityAndLevel() throws Exception {
        List<LogTarget> t = parse(
                        """
                        global.log = [
                          { target = "/dev/log", facility = local0 }
                          { target = "127.0.0.1:1514", facility = local1, level = notice }
                        ]
                        """
                                + MINIMAL_LISTEN)
                .global()
                .logTargets();
        assertThat(t).hasSize(2);
        assertThat(t.get(0).unixSocket()).contains(Path.of("/dev/log"));
        assertThat(t.get(0).facility()).isEqualTo(16);
        assertThat(t.get(0).maxSeverity()).isEqualTo(7);
        assertThat(t.get(1).udp().orElseThrow().getPort()).isEqualTo(1514);
        assertThat(t.get(1).facility()).isEqualTo(17);
        assertThat(t.get(1).maxSeverity()).isEqualTo(5);
        assertThat(t.get(1).describe()).isEqualTo("127.0.0.1:1514 local1 notice");
    }

    @Test
    void badValuesAreReportedWithKeyValueExpectationAndLine() {
        assertThat(problems("global.log-format = httplog\n" + MINIMAL_LISTEN))
                .extracting(ConfigProblem::describe)
                .anySatisfy(d -> assertThat(d)
                        .contains("test.conf:1: global.log-format = httplog: expected one of tcplog, tcplog-extended"));
        assertThat(problems(
                        """
                        global.log = [
                          { target = "127.0.0.1", facility = local0 }
                          { target = "127.0.0.1:514", facility = local9 }
                          { target = "127.0.0.1:514", facility = local0, level = loud }
                          { facility = local0 }
                          { target = "127.0.0.1:514", facility = local0, lvl = info }
                          "127.0.0.1:514"
                        ]
                        """
                                + MINIMAL_LISTEN))
                .extracting(ConfigProblem::describe)
                .anySatisfy(d ->
                        assertThat(d).contains("test.conf:2: global.log[0].target = 127.0.0.1: expected host:port"))
                .anySatisfy(d -> assertThat(d)
                        .contains("test.conf:3: global.log[1].facility = local9: expected one of kern, user,"))
                .anySatisfy(d -> assertThat(d)
                        .contains("test.conf:4: global.log[2].level = loud: expected one of emerg, alert, crit, err,"
                                + " warning, notice, info, debug"))
                .anySatisfy(d -> assertThat(d).contains("global.log[3].target = (missing)"))
                .anySatisfy(d -> assertThat(d).contains("global.log[4].lvl = info: expected a known key"))
                .anySatisfy(d -> assertThat(d)
                        .contains("test.conf:7: global.log[5] = 127.0.0.1:514: expected a syslog target {"));
        assertThat(problems("global.log = \"/dev/log\"\n" + MINIMAL_LISTEN))
                .extracting(ConfigProblem::describe)
                .anySatisfy(d -> assertThat(d).contains("global.log = /dev/log: expected a list of syslog targets"));
    }
}
