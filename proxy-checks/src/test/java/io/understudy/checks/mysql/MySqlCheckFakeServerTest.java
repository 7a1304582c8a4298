package io.understudy.checks.mysql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.understudy.checks.CheckResult;
import io.understudy.checks.CheckStatus;
import io.understudy.checks.fake.CheckLoops;
import io.understudy.checks.fake.Conversation;
import io.understudy.checks.fake.Ending;
import io.understudy.checks.fake.FakeMySqlServer;
import io.understudy.checks.fake.FakeScripts;
import io.understudy.checks.fake.LoginPacket;
import io.understudy.core.backend.GreetingClock;
import io.understudy.core.config.CheckConfig.MySqlVariant;
import io.understudy.testkit.LeakDetectionExtension;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The mysql check against scripted servers: every status, code and info it can report, and how it leaves: COM_QUIT
 * then FIN after a login, a bare FIN otherwise, never a reset.
 */
@ExtendWith(LeakDetectionExtension.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class MySqlCheckFakeServerTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(2);
    private static final Duration SHORT = Duration.ofMillis(300);
    private static final CheckLoops loops = new CheckLoops();

    @AfterAll
    static void closeLoops() {
        loops.close();
    }

    @Test
    void accessDeniedIsL7stsWithTheErrnoAndTheTextAsSent() {
        String text = "#28000Access denied for user 'haproxy'@'localhost' (using password: NO)";
        try (FakeMySqlServer server = FakeMySqlServer.start(FakeScripts.errAfterLogin(1045, text))) {
            CheckResult r = check(server, "haproxy", "", TIMEOUT);

            assertResult(r, CheckStatus.L7STS, OptionalInt.of(1045), text);
            assertClosedWithFinOnly(server);
        }
    }

    @Test
    void hostBlockedInsteadOfAGreetingIsL7sts1129() {
        String text = "Host '127.0.0.4' is blocked because of many connection errors; unblock with "
                + "'mariadb-admin flush-hosts'";
        try (FakeMySqlServer server = FakeMySqlServer.start(FakeScripts.errInsteadOfGreeting(1129, text))) {
            CheckResult r = check(server, "haproxy", "", TIMEOUT);

            assertResult(r, CheckStatus.L7STS, OptionalInt.of(1129), text);
            Conversation c = onlyConversation(server);
            assertThat(c.received())
                    .as("nothing sent to a server that refused us")
                    .isEmpty();
            assertThat(c.ending()).isEqualTo(Ending.CLIENT_FIN);
        }
    }

    @Test
    void tooManyConnectionsInsteadOfAGreetingIsL7sts1040() {
        String text = "Too many connections";
        try (FakeMySqlServer server = FakeMySqlServer.start(FakeScripts.errInsteadOfGreeting(1040, text))) {
            assertResult(check(server, "haproxy", "", TIMEOUT), CheckStatus.L7STS, OptionalInt.of(1040), text);
        }
    }

    @Test
    void textFromAnotherKindOfServerIsL7rspAtOnce() {
        byte[] http = "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
        try (FakeMySqlServer server = FakeMySqlServer.start(FakeScripts.raw(http))) {
            CheckResult r = check(server, "haproxy", "", TIMEOUT);

            assertResult(r, CheckStatus.L7RSP, OptionalInt.empty(), "invalid length or truncated response");
            assertThat(r.durationMillis()).as("no need to wait for the timeout").isLessThan(TIMEOUT.toMillis());
            assertClosedWithFinOnly(server);
        }
    }

    @Test
    void aWellFramedPacketThatIsNoGreetingIsL7rsp() {
        byte[] packet = {5, 0, 0, 0, 1, 2, 3, 4, 5};
        try (FakeMySqlServer server = FakeMySqlServer.start(FakeScripts.raw(packet))) {
            CheckResult r = check(server, "haproxy", "", TIMEOUT);

            assertResult(r, CheckStatus.L7RSP, OptionalInt.empty(), "not a MySQL server greeting (protocol version 1)");
            assertClosedWithFinOnly(server);
        }
    }

    @Test
    void aTruncatedGreetingThenCloseIsL7rsp() {
        try (FakeMySqlServer server = FakeMySqlServer.start(FakeScripts.truncatedThenClose())) {
            CheckResult r = check(server, "haproxy", "", TIMEOUT);

            assertResult(r, CheckStatus.L7RSP, OptionalInt.empty(), "invalid length or truncated response");
            assertClosedWithFinOnly(server);
        }
    }

    @Test
    void aServerClosingBeforeAnyByteIsL7rsp() {
        try (FakeMySqlServer server = FakeMySqlServer.start(c -> c.shutdownOutput())) {
            CheckResult r = check(server, "haproxy", "", TIMEOUT);

            assertResult(r, CheckStatus.L7RSP, OptionalInt.empty(), "invalid length or truncated response");
            assertClosedWithFinOnly(server);
        }
    }

    @Test
    void silenceIsL7toutAfterTheTimeout() {
        try (FakeMySqlServer server = FakeMySqlServer.start(FakeScripts.silent())) {
            CheckResult r = check(server, "haproxy", "", SHORT);

            assertResult(r, CheckStatus.L7TOUT, OptionalInt.empty(), "timeout waiting for the server greeting");
            assertThat(r.durationMillis()).isBetween(SHORT.toMillis(), SHORT.toMillis() + 500);
            Conversation c = onlyConversation(server);
            assertThat(c.received())
                    .as("nothing sent before the greeting, unlike HAProxy")
                    .isEmpty();
            assertThat(c.ending()).isEqualTo(Ending.CLIENT_FIN);
        }
    }

    @Test
    void aServerThatGreetedFastBeforeIsGivenItsGreetingDeadlineNotTheWholeTimeout() {
        GreetingClock clock = new GreetingClock(Optional.empty());
        Duration timeout = Duration.ofSeconds(5);
        try (FakeMySqlServer good = FakeMySqlServer.start(FakeScripts.nativeLogin("haproxy", ""))) {
            CheckResult ok = CheckLoops.runAndWait(new MySqlCheck(
                            loops.group(),
                            loops.transport(),
                            good.address(),
                            "haproxy",
                            "",
                            MySqlVariant.POST_41,
                            timeout)
                    .withGreetings(clock));
            assertThat(ok.status()).as(ok.describe()).isEqualTo(CheckStatus.L7OK);
        }
        // A loopback greeting takes a few ms: the deadline is learned (the 300 ms floor, unless the machine is slow).
        long deadline = clock.deadlineMillis(timeout.toMillis());
        assertThat(deadline).isBetween(300L, timeout.toMillis() - 1);
        try (FakeMySqlServer frozen = FakeMySqlServer.start(FakeScripts.silent())) {
            CheckResult r = CheckLoops.runAndWait(new MySqlCheck(
                            loops.group(),
                            loops.transport(),
                            frozen.address(),
                            "haproxy",
                            "",
                            MySqlVariant.POST_41,
                            timeout)
                    .withGreetings(clock));
            assertThat(r.status()).isEqualTo(CheckStatus.L7TOUT);
            assertThat(r.info()).startsWith("no greeting within " + deadline + "ms (slowest recent greeting ");
            assertThat(r.durationMillis()).isBetween(deadline, deadline + 1_000);
        }
    }

    @Test
    void aGreetingThenSilenceIsL7toutWaitingForTheLoginReply() {
        try (FakeMySqlServer server = FakeMySqlServer.start(FakeScripts.greetingThenSilence())) {
            CheckResult r = check(server, "haproxy", "", SHORT);

            assertResult(r, CheckStatus.L7TOUT, OptionalInt.empty(), "timeout waiting for the login reply");
            assertClosedWithFinOnly(server);
        }
    }

    @Test
    void aGreetingAtOneBytePerSecondIsL7tout() {
        Duration timeout = Duration.ofMillis(2500);
        try (FakeMySqlServer server = FakeMySqlServer.start(FakeScripts.slowGreeting(Duration.ofSeconds(1)))) {
            CheckResult r = check(server, "haproxy", "", timeout);

            assertResult(r, CheckStatus.L7TOUT, OptionalInt.empty(), "timeout waiting for the server greeting");
            assertThat(r.durationMillis()).isBetween(timeout.toMillis(), timeout.toMillis() + 500);
            assertClosedWithFinOnly(server);
        }
    }

    @Test
    void theSlackTheSchedulerGivesExtendsTheDeadline() throws Exception {
        Duration timeout = Duration.ofMillis(300);
        Duration slack = Duration.ofMillis(500);
        try (FakeMySqlServer server = FakeMySqlServer.start(FakeScripts.slowGreeting(Duration.ofSeconds(1)))) {
            CheckResult r = new MySqlCheck(
                            loops.group(),
                            loops.transport(),
                            server.address(),
                            "haproxy",
                            "",
                            MySqlVariant.POST_41,
                            timeout)
                    .run(slack)
                    .toCompletableFuture()
                    .get(10, java.util.concurrent.TimeUnit.SECONDS);

            assertResult(r, CheckStatus.L7TOUT, OptionalInt.empty(), "timeout waiting for the server greeting");
            assertThat(r.durationMillis()).isBetween(800L, 1_300L);
            assertClosedWithFinOnly(server);
        }
    }

    @Test
    void aNativePasswordLoginIsL7okWithTheVersionThenComQuitAndFin() {
        try (FakeMySqlServer server = FakeMySqlServer.start(FakeScripts.nativeLogin("checkpw", "s3cret"))) {
            CheckResult r = check(server, "checkpw", "s3cret", TIMEOUT);

            assertResult(r, CheckStatus.L7OK, OptionalInt.of(0), FakeScripts.VERSION);
            assertQuitThenFin(server);
        }
    }

    @Test
    void aWrongPasswordIsL7sts1045() {
        try (FakeMySqlServer server = FakeMySqlServer.start(FakeScripts.nativeLogin("checkpw", "s3cret"))) {
            CheckResult r = check(server, "checkpw", "wrong", TIMEOUT);

            assertResult(
                    r,
                    CheckStatus.L7STS,
                    OptionalInt.of(1045),
                    "#28000Access denied for user 'checkpw'@'localhost' (using password: YES)");
            assertThat(onlyConversation(server).sentComQuit()).isFalse();
        }
    }

    @Test
    void anAuthSwitchToNativePasswordIsAnsweredWithTheNewSalt() {
        try (FakeMySqlServer server = FakeMySqlServer.start(FakeScripts.authSwitchToNative("checkpw", "s3cret"))) {
            CheckResult r = check(server, "checkpw", "s3cret", TIMEOUT);

            assertResult(r, CheckStatus.L7OK, OptionalInt.of(0), FakeScripts.VERSION);
            assertQuitThenFin(server);
        }
    }

    @Test
    void cachingSha2FastAuthIsL7ok() {
        try (FakeMySqlServer server = FakeMySqlServer.start(FakeScripts.cachingSha2Fast("checkpw", "s3cret"))) {
            CheckResult r = check(server, "checkpw", "s3cret", TIMEOUT);

            assertResult(r, CheckStatus.L7OK, OptionalInt.of(0), FakeScripts.VERSION);
            assertQuitThenFin(server);
        }
    }

    @Test
    void cachingSha2FullAuthSendsThePasswordRsaEncrypted() throws Exception {
        KeyPairGenerator gen = KeyPairGenerator.getInstance("RSA");
        gen.initialize(2048);
        KeyPair rsa = gen.generateKeyPair();
        try (FakeMySqlServer server = FakeMySqlServer.start(FakeScripts.cachingSha2Full("checkpw", "s3cret", rsa))) {
            CheckResult r = check(server, "checkpw", "s3cret", TIMEOUT);

            assertResult(r, CheckStatus.L7OK, OptionalInt.of(0), FakeScripts.VERSION);
            assertQuitThenFin(server);
            assertThat(new String(onlyConversation(server).received(), StandardCharsets.ISO_8859_1))
                    .as("the password never travels in clear")
                    .doesNotContain("s3cret");
        }
    }

    @Test
    void anAuthPluginTheCheckLacksIsL7sts1251() {
        try (FakeMySqlServer server = FakeMySqlServer.start(FakeScripts.authSwitchTo("client_ed25519"))) {
            CheckResult r = check(server, "checkpw", "s3cret", TIMEOUT);

            assertResult(
                    r,
                    CheckStatus.L7STS,
                    OptionalInt.of(1251),
                    "the check does not support the auth plugin 'client_ed25519' the server asked for");
            assertClosedWithFinOnly(server);
        }
    }

    @Test
    void aResetIsASocketError() {
        try (FakeMySqlServer server = FakeMySqlServer.start(FakeScripts.resetAfterLogin())) {
            CheckResult r = check(server, "haproxy", "", TIMEOUT);

            assertResult(r, CheckStatus.SOCKERR, OptionalInt.empty(), "Connection reset by peer");
        }
    }

    @Test
    void aClosedPortIsL4conConnectionRefused() throws IOException {
        InetSocketAddress closed;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = new InetSocketAddress(s.getInetAddress(), s.getLocalPort());
        }
        MySqlCheck check =
                new MySqlCheck(loops.group(), loops.transport(), closed, "haproxy", "", MySqlVariant.POST_41, TIMEOUT);

        assertResult(CheckLoops.runAndWait(check), CheckStatus.L4CON, OptionalInt.empty(), "Connection refused");
    }

    /** HAProxy's pre-41 login, byte for byte, but after reading the greeting; then COM_QUIT. */
    @Test
    void pre41SendsHaproxysPre41Login() {
        try (FakeMySqlServer server = FakeMySqlServer.start(FakeScripts.nativeLogin("haproxy", ""))) {
            MySqlCheck check = new MySqlCheck(
                    loops.group(), loops.transport(), server.address(), "haproxy", "", MySqlVariant.PRE_41, TIMEOUT);

            assertResult(CheckLoops.runAndWait(check), CheckStatus.L7OK, OptionalInt.of(0), FakeScripts.VERSION);
            Conversation c = assertQuitThenFin(server);
            assertThat(HexFormat.of().formatHex(c.received()))
                    .isEqualTo("0e000001" + "0080" + "000001" + "686170726f787900" + "00" + "0100000001");
        }
    }

    @Test
    void post41LogsInWithTheServersPluginAndNoDatabase() {
        try (FakeMySqlServer server = FakeMySqlServer.start(FakeScripts.nativeLogin("haproxy", ""))) {
            assertResult(
                    check(server, "haproxy", "", TIMEOUT), CheckStatus.L7OK, OptionalInt.of(0), FakeScripts.VERSION);
            byte[] received = assertQuitThenFin(server).received();
            LoginPacket login = LoginPacket.parse(Arrays.copyOfRange(received, 4, received.length - 5));

            assertThat(login.user()).isEqualTo("haproxy");
            assertThat(login.authResponse()).isEmpty();
            assertThat(login.plugin()).contains("mysql_native_password");
            assertThat(login.capabilities() & Capabilities.CLIENT_CONNECT_WITH_DB)
                    .isZero();
            assertThat(login.capabilities() & Capabilities.CLIENT_SSL).isZero();
        }
    }

    private static CheckResult check(FakeMySqlServer server, String user, String password, Duration timeout) {
        return CheckLoops.runAndWait(new MySqlCheck(
                loops.group(), loops.transport(), server.address(), user, password, MySqlVariant.POST_41, timeout));
    }

    static void assertResult(CheckResult r, CheckStatus status, OptionalInt code, String info) {
        assertThat(r.status()).as(r.describe()).isEqualTo(status);
        assertThat(r.code()).as(r.describe()).isEqualTo(code);
        assertThat(r.info()).isEqualTo(info);
        assertThat(r.durationMillis()).isNotNegative();
    }

    private static Conversation onlyConversation(FakeMySqlServer server) {
        await().atMost(Duration.ofSeconds(15))
                .until(() -> !server.conversations().isEmpty());
        assertThat(server.conversations()).hasSize(1);
        return server.conversations().get(0);
    }

    private static Conversation assertQuitThenFin(FakeMySqlServer server) {
        Conversation c = onlyConversation(server);
        assertThat(c.notes()).as(c.toString()).isEmpty();
        assertThat(c.endsWithComQuit()).as(c.toString()).isTrue();
        assertThat(c.ending()).as(c.toString()).isEqualTo(Ending.CLIENT_FIN);
        return c;
    }

    private static void assertClosedWithFinOnly(FakeMySqlServer server) {
        Conversation c = onlyConversation(server);
        assertThat(c.sentComQuit()).as("no COM_QUIT without a session: " + c).isFalse();
        assertThat(c.ending()).as(c.toString()).isEqualTo(Ending.CLIENT_FIN);
    }
}
