package io.understudy.checks.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.understudy.checks.CheckResult;
import io.understudy.checks.CheckStatus;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.sql.SQLException;
import java.sql.SQLTimeoutException;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The network cases use the exceptions mysql-connector-j really throws against loopback sockets that refuse, stay
 * silent or hang up, since their cause chains are what the classifier relies on.
 */
@Timeout(30)
class SqlFailureClassifierTest {
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    @Test
    void aRefusedConnectIsL4con() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, LOOPBACK)) {
            port = s.getLocalPort();
        }
        CheckResult r = classifyLogin(port, 500);

        assertThat(r.status()).isEqualTo(CheckStatus.L4CON);
        assertThat(r.code()).isEmpty();
        assertThat(r.info()).isEqualTo("Connection refused");
    }

    @Test
    void aServerThatAcceptsButNeverGreetsIsL7tout() throws IOException {
        // The kernel completes the TCP handshake for the listen backlog: connected, but no greeting ever comes.
        try (ServerSocket silent = new ServerSocket(0, 5, LOOPBACK)) {
            CheckResult r = classifyLogin(silent.getLocalPort(), 300);

            assertThat(r.status()).isEqualTo(CheckStatus.L7TOUT);
            assertThat(r.info()).isEqualTo("login: Read timed out");
        }
    }

    @Test
    void aConnectThatIsNeverAnsweredIsL4tout() throws IOException {
        // Linux drops SYNs to a listener whose accept queue is full, so a connect to it times out at layer 4.
        try (ServerSocket full = new ServerSocket(0, 1, LOOPBACK)) {
            List<Socket> fillers = fillAcceptQueue(full);
            try {
                CheckResult r = classifyLogin(full.getLocalPort(), 300);

                assertThat(r.status()).isEqualTo(CheckStatus.L4TOUT);
                assertThat(r.info()).isEqualToIgnoringCase("Connect timed out");
            } finally {
                for (Socket s : fillers) {
                    s.close();
                }
            }
        }
    }

    @Test
    void aServerThatHangsUpAtOnceIsL7rsp() throws Exception {
        try (ServerSocket rude = new ServerSocket(0, 5, LOOPBACK)) {
            Thread closer = new Thread(() -> {
                try (Socket s = rude.accept()) {
                    s.setSoLinger(true, 0);
                } catch (IOException e) {
                    // The test fails on its own assertions if this happens.
                }
            });
            closer.start();
            CheckResult r = classifyLogin(rude.getLocalPort(), 2000);
            closer.join();

            assertThat(r.status()).isEqualTo(CheckStatus.L7RSP);
            assertThat(r.info()).startsWith("login: ");
        }
    }

    @Test
    void aMySqlErrorIsL7stsWithItsNumberAndMessage() {
        SQLException e =
                new SQLException("Access denied for user 'checkpw'@'localhost' (using password: YES)", "28000", 1045);

        CheckResult r = SqlFailureClassifier.classify(e, "login", 7);

        assertThat(r)
                .isEqualTo(new CheckResult(
                        CheckStatus.L7STS,
                        OptionalInt.of(1045),
                        "Access denied for user 'checkpw'@'localhost' (using password: YES)",
                        7));
    }

    @Test
    void runningOutOfDescriptorsHereIsNotRunButTheServersOwnIsL7sts() {
        SQLException here = new SQLException(
                "Communications link failure", "08S01", 0, new java.net.SocketException("Too many open files"));
        CheckResult mine = SqlFailureClassifier.classify(here, "login", 2);
        assertThat(mine.local()).isTrue();
        assertThat(mine.status()).isEqualTo(CheckStatus.SOCKERR);
        assertThat(mine.info()).contains("Too many open files");

        SQLException theirs =
                new SQLException("Out of resources when opening file (errno: 24 \"Too many open files\")", "HY000", 23);
        CheckResult server = SqlFailureClassifier.classify(theirs, "SELECT 1", 2);
        assertThat(server.local()).isFalse();
        assertThat(server.status()).isEqualTo(CheckStatus.L7STS);
    }

    @Test
    void aServerThatRefusesConnectionsWithAnErrorPacketIsL7stsNotL4con() {
        // 1040 Too many connections carries SQLState 08004, a "connection exception", but it is an answer.
        SQLException e = new SQLException("Too many connections", "08004", 1040);

        CheckResult r = SqlFailureClassifier.classify(e, "login", 3);

        assertThat(r.status()).isEqualTo(CheckStatus.L7STS);
        assertThat(r.code()).hasValue(1040);
    }

    @Test
    void aQueryTimeoutIsL7tout() {
        SQLTimeoutException e = new SQLTimeoutException("Statement cancelled due to timeout or client request");

        CheckResult r = SqlFailureClassifier.classify(e, "SELECT SLEEP(5)", 1001);

        assertThat(r.status()).isEqualTo(CheckStatus.L7TOUT);
        assertThat(r.info()).isEqualTo("SELECT SLEEP(5): Statement cancelled due to timeout or client request");
    }

    @Test
    void aReadTimeoutDeepInTheCauseChainIsL7tout() {
        SQLException e =
                new SQLException("Communications link failure", "08S01", 0, new IOException("wrapped", readTimeout()));

        assertThat(SqlFailureClassifier.classify(e, "SELECT 1", 5).status()).isEqualTo(CheckStatus.L7TOUT);
    }

    @Test
    void infoIsOneBoundedLine() {
        String info = SqlFailureClassifier.oneLine("Communications link failure\n\nThe last packet " + "x".repeat(500));

        assertThat(info)
                .doesNotContain("\n")
                .hasSize(SqlFailureClassifier.MAX_INFO_LENGTH)
                .endsWith("...");
        assertThat(info).startsWith("Communications link failure The last packet x");
    }

    private static SocketTimeoutException readTimeout() {
        try (ServerSocket silent = new ServerSocket(0, 5, LOOPBACK);
                Socket s = new Socket(LOOPBACK, silent.getLocalPort())) {
            s.setSoTimeout(1);
            return catchThrowableOfType(
                    SocketTimeoutException.class, () -> s.getInputStream().read());
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private static CheckResult classifyLogin(int port, int timeoutMillis) {
        JdbcLogin login = new JdbcLogin(new InetSocketAddress(LOOPBACK, port), "checkpw", "s3cret");
        SQLException e = catchThrowableOfType(
                SQLException.class, () -> login.connect(timeoutMillis).close());
        // SQLException is Iterable, which makes assertThat(e) ambiguous.
        assertThat((Throwable) e).as("the login must fail").isNotNull();
        return SqlFailureClassifier.classify(e, "login", 1);
    }

    /** Connects plain sockets until one times out: from then on the listener's queue is full. */
    private static List<Socket> fillAcceptQueue(ServerSocket server) throws IOException {
        List<Socket> sockets = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            Socket s = new Socket();
            try {
                s.connect(server.getLocalSocketAddress(), 200);
                sockets.add(s);
            } catch (SocketTimeoutException e) {
                s.close();
                return sockets;
            }
        }
        throw new AssertionError("the accept queue of " + server + " never filled up");
    }
}
