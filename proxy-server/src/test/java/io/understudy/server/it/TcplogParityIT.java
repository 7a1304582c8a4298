package io.understudy.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import io.understudy.testkit.FreePorts;
import io.understudy.testkit.HaproxyProcess;
import io.understudy.testkit.MariaDbExtension;
import java.io.InputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * Issue 12, item 5: the real HAProxy ({@code option tcplog}, {@code log 127.0.0.1:<port> local0}) and Understudy
 * ({@code global.log} to another UDP port) in front of the same MariaDB; the same sessions go through both (a JDBC
 * login and query, a backend without a usable server, a connect refused with one retry), and the syslog datagrams
 * they send must agree field by field: the frame, the field count and forms, the names, the termination states, the
 * counters, the bytes; only the timings may differ. Then {@code halog} must read both sets of lines alike.
 */
@Timeout(120)
class TcplogParityIT {
    /** HAProxy's syslog frame around its tcplog line (RFC 3164 without host name, LF-terminated). */
    static final Pattern DATAGRAM = Pattern.compile(
            "<(\\d+)>([A-Z][a-z]{2} [ 123]\\d \\d{2}:\\d{2}:\\d{2}) (\\w+)\\[(\\d+)\\]: (.*)\n", Pattern.DOTALL);
    /** {@code %ci:%cp [%t] %ft %b/%s %Tw/%Tc/%Tt %B %ts %ac/%fc/%bc/%sc/%rc %sq/%bq}, one group per field. */
    static final Pattern TCPLOG = Pattern.compile("(\\d+\\.\\d+\\.\\d+\\.\\d+):(\\d+)"
            + " \\[(\\d{2}/[A-Z][a-z]{2}/\\d{4}:\\d{2}:\\d{2}:\\d{2}\\.\\d{3})\\] (\\S+) (\\S+)/(\\S+)"
            + " (-1|\\d+)/(-1|\\d+)/(\\d+) (\\d+) (\\S\\S) (\\d+)/(\\d+)/(\\d+)/(\\d+)/(\\+?\\d+) (\\d+)/(\\d+)");

    @RegisterExtension
    static MariaDbExtension db = MariaDbExtension.single();

    @TempDir
    static Path dir;

    static DatagramSocket hSyslog;
    static DatagramSocket uSyslog;
    static HaproxyProcess haproxy;
    static InProcessProxy understudy;
    static Level sessionLevel;
    static int hMySql;
    static int hNone;
    static int hRefused;

    @BeforeAll
    static void start() throws Exception {
        // Test logging keeps io.understudy at INFO and the rest at WARN: session lines are INFO.
        Logger session = (Logger) LoggerFactory.getLogger("understudy.session");
        sessionLevel = session.getLevel();
        session.setLevel(Level.INFO);
        hSyslog = new DatagramSocket(0, InetAddress.getLoopbackAddress());
        uSyslog = new DatagramSocket(0, InetAddress.getLoopbackAddress());
        hSyslog.setSoTimeout(15_000);
        uSyslog.setSoTimeout(15_000);
        int refused = FreePorts.find(); // nobody listens there
        hMySql = FreePorts.find();
        hNone = FreePorts.find();
        hRefused = FreePorts.find();
        Path h = Files.createDirectories(dir.resolve("h"));
        Path hAdmin = h.resolve("admin.sock");
        haproxy = HaproxyProcess.start(
                h,
                String.join(
                        "\n",
                        "global",
                        "  stats socket " + hAdmin + " level admin",
                        "  log 127.0.0.1:" + hSyslog.getLocalPort() + " local0",
                        "defaults",
                        "  mode tcp",
                        "  log global",
                        "  option tcplog",
                        "  retries 1",
                        "  timeout connect 1s",
                        "  timeout client 1m",
                        "  timeout server 1m",
                        "listen MySQL",
                        "  bind 127.0.0.1:" + hMySql,
                        "  server Db 127.0.0.1:" + db.server().port(),
                        "listen None",
                        "  bind 127.0.0.1:" + hNone,
                        "  server Off 127.0.0.1:" + db.server().port() + " disabled",
                        "listen Refused",
                        "  bind 127.0.0.1:" + hRefused,
                        "  server Gone 127.0.0.1:" + refused,
                        ""),
                List.of(hAdmin));
        understudy = InProcessProxy.of(String.join(
                "\n",
                "global.log = [ { target = \"127.0.0.1:" + uSyslog.getLocalPort() + "\", facility = local0 } ]",
                "defaults { retries = 1, timeout.connect = 1s, timeout.client = 1m, timeout.server = 1m }",
                "listen.MySQL { bind = \"127.0.0.1:0\", servers = [ { name = Db, address = \"127.0.0.1:"
                        + db.server().port() + "\" } ] }",
                "listen.None { bind = \"127.0.0.1:0\", servers = [ { name = Off, address = \"127.0.0.1:"
                        + db.server().port() + "\", disabled = true } ] }",
                "listen.Refused { bind = \"127.0.0.1:0\", servers = [ { name = Gone, address = \"127.0.0.1:" + refused
                        + "\" } ] }",
                ""));
    }

    @AfterAll
    static void stop() {
        if (understudy != null) {
            understudy.close();
        }
        if (haproxy != null) {
            haproxy.close();
        }
        if (hSyslog != null) {
            hSyslog.close();
        }
        if (uSyslog != null) {
            uSyslog.close();
        }
        ((Logger) LoggerFactory.getLogger("understudy.session")).setLevel(sessionLevel);
    }

    @Test
    void bothSendTheSameTcplogLinesAndHalogReadsThemAlike() throws Exception {
        List<String> h = sessions(hMySql, hNone, hRefused, hSyslog);
        List<String> u = sessions(port("MySQL"), port("None"), port("Refused"), uSyslog);
        System.out.println("haproxy:    " + String.join("haproxy:    ", h));
        System.out.println("understudy: " + String.join("understudy: ", u));
        for (int i = 0; i < h.size(); i++) {
            Matcher hf = DATAGRAM.matcher(h.get(i));
            Matcher uf = DATAGRAM.matcher(u.get(i));
            assertThat(hf.matches()).as(h.get(i)).isTrue();
            assertThat(uf.matches()).as(u.get(i)).isTrue();
            // local0, info
            assertThat(uf.group(1)).isEqualTo(hf.group(1)).isEqualTo("134");
            assertThat(hf.group(3)).isEqualTo("haproxy");
            assertThat(uf.group(3)).isEqualTo("understudy");
            assertThat(Long.parseLong(uf.group(4)))
                    .isEqualTo(ProcessHandle.current().pid());
            Matcher hl = TCPLOG.matcher(hf.group(5));
            Matcher ul = TCPLOG.matcher(uf.group(5));
            assertThat(hl.matches()).as(hf.group(5)).isTrue();
            assertThat(ul.matches()).as(uf.group(5)).isTrue();
            assertThat(uf.group(5).split(" ")).hasSameSizeAs(hf.group(5).split(" "));
            // client address; frontend, backend, server
            assertThat(ul.group(1)).isEqualTo(hl.group(1));
            for (int g = 4; g <= 6; g++) {
                assertThat(ul.group(g)).as("field %d of %s", g, uf.group(5)).isEqualTo(hl.group(g));
            }
            // Tw and Tc: -1 exactly when HAProxy says -1 (the step did not happen)
            assertThat(ul.group(7).equals("-1"))
                    .as("Tw of " + uf.group(5))
                    .isEqualTo(hl.group(7).equals("-1"));
            assertThat(ul.group(8).equals("-1"))
                    .as("Tc of " + uf.group(5))
                    .isEqualTo(hl.group(8).equals("-1"));
            // bytes to the client, termination state, the five counters, the two queues
            for (int g = 10; g <= 18; g++) {
                assertThat(ul.group(g)).as("field %d of %s", g, uf.group(5)).isEqualTo(hl.group(g));
            }
        }
        assertThat(h).hasSize(3);

        // halog (Debian's haproxy package) reads syslog files: the same lines with the host name syslogd inserts.
        Path hFile = toSyslogFile(h, "h.log");
        Path uFile = toSyslogFile(u, "u.log");
        for (List<String> options : List.of(List.of("-c"), List.of("-H", "-v", "-c"), List.of("-srv"))) {
            String hOut = halog(options, hFile);
            assertThat(halog(options, uFile)).as("halog " + options).isEqualTo(hOut);
        }
        // Every line counted, as TCP lines (-H keeps HTTP lines only, -v inverts), and servers named as HAProxy's.
        assertThat(halog(List.of("-c"), uFile)).isEqualTo("3\n");
        assertThat(halog(List.of("-H", "-v", "-c"), uFile)).isEqualTo("3\n");
        assertThat(halog(List.of("-srv", "-q"), uFile)).contains("MySQL/Db ", "None/<NOSRV> ", "Refused/Gone ");
    }

    /** Plays the three sessions against one proxy; returns its three datagrams, in order. */
    private static List<String> sessions(int mysql, int none, int refused, DatagramSocket syslog) throws Exception {
        List<String> out = new ArrayList<>();
        try (Connection c = Jdbc.connect(mysql);
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT 1")) {
            assertThat(rs.next()).isTrue();
        }
        out.add(receive(syslog));
        out.add(refusedSession(none, syslog));
        out.add(refusedSession(refused, syslog));
        return out;
    }

    /** A client that connects and is closed on: the proxy found no server to take it. */
    private static String refusedSession(int port, DatagramSocket syslog) throws Exception {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            s.setSoTimeout(15_000);
            InputStream in = s.getInputStream();
            // HAProxy closes without a word; Understudy sends a MySQL error first. Either way the stream ends.
            in.readAllBytes();
        }
        return receive(syslog);
    }

    private static String receive(DatagramSocket s) throws Exception {
        DatagramPacket p = new DatagramPacket(new byte[4096], 4096);
        s.receive(p);
        return new String(p.getData(), 0, p.getLength(), StandardCharsets.UTF_8);
    }

    private static int port(String frontend) {
        return understudy.engine().boundAddress(frontend).orElseThrow().getPort();
    }

    /** The datagrams as rsyslog writes them to a file: no PRI, the host name after the time stamp. */
    private static Path toSyslogFile(List<String> datagrams, String name) throws Exception {
        StringBuilder b = new StringBuilder();
        for (String d : datagrams) {
            Matcher m = DATAGRAM.matcher(d);
            assertThat(m.matches()).isTrue();
            b.append(m.group(2))
                    .append(" localhost haproxy[1]: ")
                    .append(m.group(5))
                    .append('\n');
        }
        return Files.writeString(dir.resolve(name), b.toString());
    }

    private static String halog(List<String> options, Path input) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(Files.isExecutable(Path.of("/usr/sbin/halog")) ? "/usr/sbin/halog" : "halog");
        cmd.addAll(options);
        Process p = new ProcessBuilder(cmd)
                .redirectInput(input.toFile())
                .redirectErrorStream(true)
                .start();
        try {
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
            return out;
        } finally {
            p.destroyForcibly();
        }
    }
}
