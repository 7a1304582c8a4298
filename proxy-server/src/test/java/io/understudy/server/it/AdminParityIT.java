package io.understudy.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.understudy.testkit.FreePorts;
import io.understudy.testkit.HaproxyProcess;
import io.understudy.testkit.Socat;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The same topology configured in the real HAProxy (Debian's package) and in Understudy; the same commands sent to both
 * admin sockets with the real socat must get byte-identical answers, and show stat's header and static columns must
 * agree. Differences kept on purpose are listed in docs/admin.md, not here.
 */
@Timeout(120)
class AdminParityIT {
    @TempDir
    static Path dir;

    static HaproxyProcess haproxy;
    static InProcessProxy understudy;
    static Path hAdmin;
    static Path hUser;
    static Path uAdmin;
    static Path uUser;

    @BeforeAll
    static void start() throws Exception {
        // Servers on ports nobody listens on, no checks: both proxies show them as "no check".
        int primary = FreePorts.find();
        int secondary = FreePorts.find();
        Path h = Files.createDirectories(dir.resolve("h"));
        Path u = Files.createDirectories(dir.resolve("u"));
        hAdmin = h.resolve("admin.sock");
        hUser = h.resolve("user.sock");
        uAdmin = u.resolve("admin.sock");
        uUser = u.resolve("user.sock");
        haproxy = HaproxyProcess.start(
                h,
                String.join(
                        "\n",
                        "global",
                        "  stats socket " + hAdmin + " level admin mode 600",
                        "  stats socket " + hUser + " level user mode 640",
                        "defaults",
                        "  mode tcp",
                        "  maxconn 2000",
                        "  timeout connect 1s",
                        "  timeout client 1m",
                        "  timeout server 1m",
                        "listen MySQL",
                        "  bind 127.0.0.1:" + FreePorts.find(),
                        "  balance first",
                        "  server Primary 127.0.0.1:" + primary,
                        "  server Secondary 127.0.0.1:" + secondary + " backup",
                        ""),
                List.of(hAdmin, hUser));
        understudy = InProcessProxy.of(String.join(
                "\n",
                "defaults.maxconn = 2000",
                "listen.MySQL {",
                "  bind = \"127.0.0.1:0\"",
                "  balance = first",
                "  servers = [",
                "    { name = Primary, address = \"127.0.0.1:" + primary + "\" }",
                "    { name = Secondary, address = \"127.0.0.1:" + secondary + "\", backup = true }",
                "  ]",
                "}",
                "admin.sockets = [",
                "  { path = \"" + uAdmin + "\", mode = \"600\", level = admin }",
                "  { path = \"" + uUser + "\", mode = \"640\", level = user }",
                "]",
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
    }

    /** Sends the same command to both, returns {haproxy, understudy}. */
    static String[] both(Path h, Path u, String command) {
        return new String[] {Socat.command(h, command), Socat.command(u, command)};
    }

    @Test
    void everyAdminAnswerIsByteIdentical() {
        List<String> commands = List.of(
                "disable server MySQL/Primary",
                "get weight MySQL/Primary",
                "enable server MySQL/Primary",
                "disable server MySQL/Nope",
                "disable server Nope/Primary",
                "disable server Primary",
                "enable server MySQL/Nope",
                "set server MySQL/Primary state drain",
                "set server MySQL/Primary state maint",
                "set server MySQL/Primary state ready",
                "set server MySQL/Primary state bogus",
                "set server MySQL/Primary weight 300",
                "set server MySQL/Primary weight abc",
                "set server MySQL/Primary weight 50%",
                "get weight MySQL/Primary",
                "set weight MySQL/Primary 1",
                "get weight MySQL/Primary",
                "get weight MySQL/Nope",
                "disable health MySQL/Primary",
                "enable health MySQL/Primary",
                "show cli level",
                "frobnicate",
                "show cli level; operator; show cli level; user; show cli level");
        List<String> differences = new ArrayList<>();
        for (String c : commands) {
            String[] r = both(hAdmin, uAdmin, c);
            if (c.equals("frobnicate")) {
                // Kept different on purpose (docs/admin.md): the first line is HAProxy's, but the suggestions list
                // only commands Understudy has; HAProxy's would offer "clear table", "trace" and others.
                r = new String[] {
                    r[0].lines().findFirst().orElse(""),
                    r[1].lines().findFirst().orElse("")
                };
            }
            if (!r[0].equals(r[1])) {
                differences.add(c + "\n  haproxy:    " + escape(r[0]) + "\n  understudy: " + escape(r[1]));
            }
        }
        for (String c : List.of("disable server MySQL/Primary", "show cli level", "set weight MySQL/Primary 2")) {
            String[] r = both(hUser, uUser, c);
            if (!r[0].equals(r[1])) {
                differences.add("(user) " + c + "\n  haproxy:    " + escape(r[0]) + "\n  understudy: " + escape(r[1]));
            }
        }
        assertThat(differences).as(String.join("\n", differences)).isEmpty();
    }

    @Test
    void showStatHasTheSameHeaderAndStaticColumns() {
        String h = Socat.command(hAdmin, "show stat");
        String u = Socat.command(uAdmin, "show stat");
        assertThat(u.lines().findFirst()).isEqualTo(h.lines().findFirst());
        List<String> staticFields = List.of(
                "pxname",
                "svname",
                "slim",
                "status",
                "weight",
                "act",
                "bck",
                "pid",
                "iid",
                "sid",
                "type",
                "check_status",
                "addr",
                "mode",
                "algo",
                "uweight");
        Map<String, Map<String, String>> hr = rows(h, staticFields);
        Map<String, Map<String, String>> ur = rows(u, staticFields);
        assertThat(ur.keySet()).containsExactlyElementsOf(hr.keySet());
        assertThat(ur).isEqualTo(hr);
        // The user-level socket blanks addr and algo in both.
        assertThat(rows(Socat.command(uUser, "show stat"), staticFields))
                .isEqualTo(rows(Socat.command(hUser, "show stat"), staticFields));
    }

    @Test
    void socketFilesHaveTheConfiguredModes() throws Exception {
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(uAdmin)))
                .isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(uUser)))
                .isEqualTo("rw-r-----");
    }

    /** Row key "pxname,svname" to the chosen fields' values, in output order. */
    static Map<String, Map<String, String>> rows(String csv, List<String> fields) {
        List<String> lines = csv.lines().filter(l -> !l.isEmpty()).toList();
        List<String> header = List.of(lines.get(0).substring(2).split(",", -1));
        Map<String, Map<String, String>> out = new java.util.LinkedHashMap<>();
        for (String line : lines.subList(1, lines.size())) {
            String[] cells = line.split(",", -1);
            Map<String, String> row = new java.util.LinkedHashMap<>();
            for (String f : fields) {
                row.put(f, cells[header.indexOf(f)]);
            }
            out.put(cells[0] + "," + cells[1], row);
        }
        return out;
    }

    static String escape(String s) {
        return s.replace("\n", "\\n");
    }
}
