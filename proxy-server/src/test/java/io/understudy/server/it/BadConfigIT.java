package io.understudy.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code understudy check} and {@code understudy -c} refuse bad configs before binding, naming each problem. */
@Timeout(120)
class BadConfigIT {
    @TempDir
    Path dir;

    static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** One file with every kind of mistake: each is reported with key, value, expectation and file:line. */
    @Test
    void everyProblemIsReportedWithKeyValueExpectationAndLineAndNothingIsBound() throws Exception {
        int port = freePort();
        String text = String.join(
                "\n",
                "listen.MySQL {", // 1
                "  bind = \"127.0.0.1:" + port + "\"", // 2
                "  balanse = first", // 3: typo
                "  timeout { connect = 0s, client = 10 parsecs }", // 4: zero, unparsable
                "  servers = [", // 5
                "    { name = Primary, address = \"127.0.0.1:70000\" }", // 6: port out of range
                "    { name = Primary, address = \"nosuch.invalid:3306\", backup = true }", // 7: dup, unresolvable
                "  ]",
                "}",
                "listen.Empty {", // 10
                "  bind = \"127.0.0.1:" + freePort() + "\"",
                "  servers = []", // 12: no servers
                "}",
                "");
        Path f = dir.resolve("bad.conf");
        Files.writeString(f, text);

        for (String[] args : new String[][] {{"check", "-c", f.toString()}, {"-c", f.toString()}}) {
            // The test holds the port the file names: had the proxy tried to bind it, it would fail with exit 3 and
            // "cannot bind"; refusing the config first, it exits 1 without ever trying.
            try (ServerSocket held = new ServerSocket(port, 1, InetAddress.getLoopbackAddress());
                    ProxyProcess p = ProxyProcess.start(dir, args)) {
                assertThat(p.awaitExit(Duration.ofSeconds(30))).isEqualTo(1);
                String out = p.log();
                assertThat(out)
                        .contains("is invalid")
                        .contains("bad.conf:3: listen.MySQL.balanse")
                        .contains("bad.conf:4: listen.MySQL.timeout.connect = 0s")
                        .contains("bad.conf:4: listen.MySQL.timeout.client = 10 parsecs")
                        .contains("bad.conf:6: listen.MySQL.servers[0].address = 127.0.0.1:70000")
                        .contains("bad.conf:7: listen.MySQL.servers[1].name = Primary")
                        .contains("bad.conf:7: listen.MySQL.servers[1].address = nosuch.invalid:3306")
                        .contains("listen.Empty.servers")
                        .doesNotContain("listening on")
                        .doesNotContain("cannot bind");
                assertThat(out.lines().filter(l -> l.contains("expected"))).hasSizeGreaterThanOrEqualTo(7);
            }
        }
    }

    @Test
    void checkAcceptsAValidFile() throws Exception {
        Path f = dir.resolve("good.conf");
        Files.writeString(
                f,
                "listen.MySQL { bind = \"127.0.0.1:0\", servers = [ { name = P, address = \"127.0.0.1:3306\" } ] }\n");
        try (ProxyProcess p = ProxyProcess.start(dir, "check", "-c", f.toString())) {
            assertThat(p.awaitExit(Duration.ofSeconds(30))).isZero();
            assertThat(p.log()).contains("Configuration file is valid");
        }
    }

    @Test
    void checkTakesHaproxysFlagAndQuietMode() throws Exception {
        Path good = dir.resolve("good-f.conf");
        Files.writeString(
                good,
                "listen.MySQL { bind = \"127.0.0.1:0\", servers = [ { name = P, address = \"127.0.0.1:3306\" } ] }\n");
        try (ProxyProcess p = ProxyProcess.start(dir, "check", "-q", "-f", good.toString())) {
            assertThat(p.awaitExit(Duration.ofSeconds(30))).isZero();
            assertThat(p.log()).as("quiet when valid").isEmpty();
        }
        Path bad = dir.resolve("bad-f.conf");
        Files.writeString(bad, "listen.MySQL { bind = \"127.0.0.1:0\", servers = [ { name = P } ] }\n");
        try (ProxyProcess p = ProxyProcess.start(dir, "check", "-q", "-f", bad.toString())) {
            assertThat(p.awaitExit(Duration.ofSeconds(30))).isEqualTo(1);
            assertThat(p.log()).as("problems are printed even when quiet").contains("bad-f.conf:1");
        }
    }

    @Test
    void aMissingFileAndABadFlagAreClearErrors() throws Exception {
        try (ProxyProcess p =
                ProxyProcess.start(dir, "check", "-c", dir.resolve("nope.conf").toString())) {
            assertThat(p.awaitExit(Duration.ofSeconds(30))).isEqualTo(1);
            assertThat(p.log()).contains("nope.conf");
        }
        try (ProxyProcess p = ProxyProcess.start(dir, "--no-such-flag")) {
            assertThat(p.awaitExit(Duration.ofSeconds(30))).isEqualTo(2);
            assertThat(p.log()).contains("Unknown option: '--no-such-flag'");
        }
    }
}
