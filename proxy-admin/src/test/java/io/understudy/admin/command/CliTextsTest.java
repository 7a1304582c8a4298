package io.understudy.admin.command;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.understudy.core.config.AdminSocketConfig.Level;
import io.understudy.testkit.LeakDetectionExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** HAProxy's text conventions: help and unknown-command lists, weight and id parsing, durations. */
@Timeout(30)
@ExtendWith(LeakDetectionExtension.class)
class CliTextsTest {
    static final String ALWAYS = "  help [<command>]                        : list matching or all commands\n"
            + "  prompt [timed]                          : toggle interactive mode with prompt\n"
            + "  quit                                    : disconnect\n";

    static TestProxy proxy;

    @BeforeAll
    static void start() throws Exception {
        proxy = TestProxy.start();
    }

    @AfterAll
    static void stop() {
        proxy.close();
    }

    @Test
    void helpListsEveryCommandSortedThenTheFixedLines() throws Exception {
        String out = proxy.run(Level.USER, "help");
        assertThat(out).startsWith("The following commands are valid at this level:\n");
        assertThat(out).endsWith(ALWAYS);
        assertThat(out)
                .contains("  disable server (DEPRECATED)             : disable a server for maintenance (use 'set"
                        + " server' instead)\n")
                .contains("  show servers state [<backend>]          : dump volatile server information (all or for"
                        + " a single backend)\n")
                .contains("  get weight <bk>/<srv>                   : report a server's current weight\n")
                .contains("  show events [<count>]                   : show the last changes of servers and traffic\n")
                // HAProxy 2.6's own lines for these, byte for byte.
                .contains(
                        "  clear counters [all]                    : clear max statistics counters (or all counters)\n")
                .contains("  show version                            : show version of the current process\n")
                .contains("  show errors [<px>] [request|response]   : report last request and/or response errors"
                        + " for each proxy\n")
                .contains("  show servers conn [<backend>]           : dump server connections status (all or for a"
                        + " single backend)\n")
                .contains("  show info [desc|json|typed|float]*      : report information about the running process\n")
                .contains("  show stat [desc|json|no-maint|typed|up]*: report counters for each proxy and server\n");
        var listed = out.lines().skip(1).limit(out.lines().count() - 4).toList();
        assertThat(listed).isSorted().hasSize(36);
        assertThat(out)
                .contains("  reload                                  : read the configuration file again and apply it"
                        + " in place\n");
        // Not filtered by level, as in HAProxy.
        assertThat(proxy.run(Level.ADMIN, "help")).isEqualTo(out);
        assertThat(proxy.run(Level.USER, "help set"))
                .isEqualTo("The following commands are valid at this level:\n"
                        + "  set backend <bk> active-server <srv>|auto: pin a backend's traffic, or unpin it\n"
                        + "  set maxconn frontend <frontend> <value> : change a frontend's maxconn setting\n"
                        + "  set maxconn global <value>              : change the per-process maxconn setting\n"
                        + "  set maxconn server <bk>/<srv>           : change a server's maxconn setting\n"
                        + "  set rate-limit <setting> <value>        : change a rate limiting value\n"
                        + "  set server <bk>/<srv> [opts]            : change a server's state, weight, address or"
                        + " health\n"
                        + "  set vrrp state <state>                  : keepalived's notify: MASTER decides, others"
                        + " follow\n"
                        + "  set weight <bk>/<srv>  (DEPRECATED)     : change a server's weight (use 'set server'"
                        + " instead)\n"
                        + ALWAYS);
    }

    @Test
    void showActivityPrintsOnlyTheLinesThatHaveAMeaningHere() throws Exception {
        String out = proxy.run(Level.USER, "show activity");
        assertThat(out).matches("date_now: [0-9]+\\.[0-9]{6}\naccepted: [0-9]+\n");
        double now = Double.parseDouble(out.lines().findFirst().orElseThrow().substring("date_now: ".length()));
        assertThat(now).isCloseTo(System.currentTimeMillis() / 1000.0, org.assertj.core.data.Offset.offset(60.0));
    }

    @Test
    void unknownCommandsNameTheFirstWordAndSuggest() throws Exception {
        String foo = proxy.run(Level.ADMIN, "foo");
        assertThat(foo).startsWith("Unknown command, but maybe one of the following ones is a better match:\n");
        assertThat(foo).endsWith(ALWAYS);
        // A known first word: the commands sharing it, closest first by HAProxy's fingerprint.
        assertThat(proxy.run(Level.ADMIN, "show servers stat"))
                .isEqualTo("Unknown command, but maybe one of the following ones is a better match:\n"
                        + "  show servers state [<backend>]          : dump volatile server information (all or for"
                        + " a single backend)\n"
                        + ALWAYS);
        String show = proxy.run(Level.ADMIN, "show");
        assertThat(show)
                .startsWith("Unknown command, but maybe one of the following ones is a better match:\n")
                .contains("  show info ")
                .contains("  show sess ")
                .doesNotContain("  get weight");
        assertThat(proxy.run(Level.ADMIN, "disable servr MySQL/Primary"))
                .contains("  disable server (DEPRECATED) ")
                .doesNotContain("show");
    }

    @Test
    void emptyCommandIsSilent() throws Exception {
        assertThat(proxy.run(Level.USER, "")).isEmpty();
    }

    @Test
    void weightsParseLikeStrtol() {
        assertThat(WeightText.parse("0", 1)).isZero();
        assertThat(WeightText.parse("256", 1)).isEqualTo(256);
        assertThat(WeightText.parse(" 12", 1)).isEqualTo(12);
        assertThat(WeightText.parse("+12", 1)).isEqualTo(12);
        assertThat(WeightText.parse("50%", 10)).isEqualTo(5);
        assertThat(WeightText.parse("0%", 10)).isZero();
        assertThat(WeightText.parse("99999999999999999999%", 10)).isEqualTo(256);
        assertThatThrownBy(() -> WeightText.parse("99999999999999999999", 1))
                .hasMessage("Absolute weight can only be between 0 and 256 inclusive.\n");
        assertThatThrownBy(() -> WeightText.parse("300x", 1))
                .hasMessage("Absolute weight can only be between 0 and 256 inclusive.\n");
        assertThatThrownBy(() -> WeightText.parse("5%%", 1)).hasMessage("Trailing garbage in weight string\n");
        assertThatThrownBy(() -> WeightText.parse("%", 1))
                .hasMessage("Empty weight string empty or preceded by garbage");
    }

    @Test
    void sessionIdsParseLikeStrtoulBaseZero() {
        assertThat(SessionPointer.parse("0x1a")).isEqualTo(26);
        assertThat(SessionPointer.parse("0X1A")).isEqualTo(26);
        assertThat(SessionPointer.parse("26")).isEqualTo(26);
        assertThat(SessionPointer.parse("032")).isEqualTo(26);
        assertThat(SessionPointer.parse(" 26:")).isEqualTo(26);
        assertThat(SessionPointer.parse("0x")).isZero();
        assertThat(SessionPointer.parse("zz")).isZero();
        assertThat(SessionPointer.parse("")).isZero();
        assertThat(SessionPointer.parse("-3")).isEqualTo(-1);
        assertThat(SessionPointer.parse("0xffffffffffffffffff")).isEqualTo(-1);
        assertThat(SessionPointer.parse("١٢")).isZero();
    }

    @Test
    void durationsLikeHaproxy() {
        assertThat(HumanTime.age(0)).isEqualTo("0s");
        assertThat(HumanTime.age(4)).isEqualTo("4s");
        assertThat(HumanTime.age(62)).isEqualTo("1m2s");
        assertThat(HumanTime.age(3600)).isEqualTo("1h");
        assertThat(HumanTime.age(3 * 86_400 + 5 * 3600 + 7)).isEqualTo("3d5h");
        assertThat(HumanTime.age(86_400 + 59)).isEqualTo("1d59s");
        assertThat(HumanTime.uptime(212)).isEqualTo("0d 0h03m32s");
    }
}
