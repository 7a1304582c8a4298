package io.understudy.admin.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.understudy.admin.command.TestProxy;
import io.understudy.core.config.AdminConfig;
import io.understudy.core.config.AdminSocketConfig;
import io.understudy.core.config.AdminSocketConfig.Level;
import io.understudy.core.transport.Transport;
import io.understudy.testkit.LeakDetectionExtension;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The admin socket end to end with the real socat: commands, levels, file mode and owner, and the socket's lifecycle. */
@Timeout(60)
@ExtendWith(LeakDetectionExtension.class)
class AdminServerTest {
    static TestProxy proxy;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() throws Exception {
        proxy = TestProxy.start();
    }

    @AfterAll
    static void stop() {
        proxy.close();
    }

    static AdminSocketConfig socket(Path path, String mode, Level level) {
        return new AdminSocketConfig(path, mode, Optional.empty(), Optional.empty(), level);
    }

    static AdminServer server(AdminSocketConfig... sockets) {
        return new AdminServer(new AdminConfig(List.of(sockets)), proxy.registry());
    }

    @Test
    void disableAndEnableServerOverSocat() throws Exception {
        Path sock = dir.resolve("admin.sock");
        try (AdminServer admin = server(socket(sock, "600", Level.ADMIN))) {
            admin.start();
            assertThat(admin.boundPaths()).containsExactly(sock);
            assertThat(Socat.line(sock, "disable server MySQL/Primary")).isEqualTo("\n");
            assertThat(proxy.server("Primary").state().inMaintenance()).isTrue();
            assertThat(Socat.line(sock, "show servers state MySQL")
                            .lines()
                            .skip(2)
                            .findFirst()
                            .orElseThrow())
                    .startsWith("1 MySQL 1 Primary 127.0.0.1 2 1 ");
            assertThat(Socat.line(sock, "enable server MySQL/Primary")).isEqualTo("\n");
            assertThat(proxy.server("Primary").state().inMaintenance()).isFalse();
            assertThat(Socat.line(sock, "show servers state MySQL")
                            .lines()
                            .skip(2)
                            .findFirst()
                            .orElseThrow())
                    .startsWith("1 MySQL 1 Primary 127.0.0.1 2 0 ");
        }
    }

    @Test
    void everyErrorTextInOneSemicolonSeparatedLine() throws Exception {
        Path sock = dir.resolve("admin.sock");
        try (AdminServer admin = server(socket(sock, "600", Level.ADMIN))) {
            admin.start();
            String out = Socat.line(
                    sock,
                    "show cli level;disable server MySQL;disable server nope/Primary;disable server MySQL/nope;"
                            + "set server MySQL/Primary state up;set weight MySQL/Primary 300;"
                            + "set weight MySQL/Primary -1%;set weight MySQL/Primary;set weight MySQL/Primary 5x;"
                            + "show servers state nope;shutdown session;shutdown session 0xfffff;"
                            + "enable health MySQL/Secondary;get weight MySQL/Primary;user;disable server MySQL/Primary");
            assertThat(out)
                    .isEqualTo("admin\n\n"
                            + "Require 'backend/server'.\n\n"
                            + "No such backend.\n\n"
                            + "No such server.\n\n"
                            + "'set server <srv> state' expects 'ready', 'drain' and 'maint'.\n\n"
                            + "Absolute weight can only be between 0 and 256 inclusive.\n\n"
                            + "Relative weight must be positive.\n\n"
                            + "Require <weight> or <weight%>.\n\n"
                            + "Trailing garbage in weight string\n\n"
                            + "Can't find backend.\n\n"
                            + "Session pointer expected (use 'show sess').\n\n"
                            + "No such session (use 'show sess').\n\n"
                            + "Health check was not configured on this server, cannot enable.\n\n"
                            + "1 (initial 1)\n\n"
                            + "\n"
                            + "Permission denied\n\n");
            assertThat(Socat.line(sock, "foo"))
                    .startsWith("Unknown command, but maybe one of the following ones is a better match:\n")
                    .endsWith("  quit                                    : disconnect\n\n");
        }
    }

    @Test
    void userLevelSocketRefusesChangesAndHasItsMode() throws Exception {
        Path adminSock = dir.resolve("admin.sock");
        Path userSock = dir.resolve("user.sock");
        try (AdminServer admin = server(socket(adminSock, "600", Level.ADMIN), socket(userSock, "666", Level.USER))) {
            admin.start();
            assertThat(Socat.line(userSock, "show cli level")).isEqualTo("user\n\n");
            assertThat(Socat.line(userSock, "disable server MySQL/Primary")).isEqualTo("Permission denied\n\n");
            assertThat(Socat.line(userSock, "show sess")).isEqualTo("Permission denied\n\n");
            assertThat(Socat.line(userSock, "operator")).isEqualTo("Permission denied\n\n");
            assertThat(Socat.line(userSock, "show stat")).isEqualTo("# pxname,svname,\nstats,user,\n\n");
            assertThat(proxy.server("Primary").state().inMaintenance()).isFalse();

            assertThat(Files.getPosixFilePermissions(adminSock, LinkOption.NOFOLLOW_LINKS))
                    .isEqualTo(PosixFilePermissions.fromString("rw-------"));
            assertThat(Files.getPosixFilePermissions(userSock, LinkOption.NOFOLLOW_LINKS))
                    .isEqualTo(PosixFilePermissions.fromString("rw-rw-rw-"));
            assertThat(Files.readAttributes(adminSock, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS)
                            .isOther())
                    .isTrue();
            // The default level: operator lowers itself to user, per connection only.
            assertThat(Socat.line(adminSock, "user;show cli level")).isEqualTo("\nuser\n\n");
            assertThat(Socat.line(adminSock, "show cli level")).isEqualTo("admin\n\n");
        }
    }

    @Test
    void ownerAndGroupAreApplied() throws Exception {
        Path sock = dir.resolve("owned.sock");
        AdminSocketConfig c =
                new AdminSocketConfig(sock, "660", Optional.of("nobody"), Optional.of("nogroup"), Level.ADMIN);
        try (AdminServer admin = server(c)) {
            admin.start();
            PosixFileAttributes a = Files.readAttributes(sock, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            assertThat(a.owner().getName()).isEqualTo("nobody");
            assertThat(a.group().getName()).isEqualTo("nogroup");
            assertThat(Socat.line(sock, "show cli level")).isEqualTo("admin\n\n");
        }
        AdminSocketConfig bad =
                new AdminSocketConfig(sock, "660", Optional.of("no-such-user-here"), Optional.empty(), Level.ADMIN);
        try (AdminServer admin = server(bad)) {
            assertThatThrownBy(admin::start)
                    .isInstanceOf(AdminSocketException.class)
                    .hasMessageContaining("no such user 'no-such-user-here'");
        }
        assertThat(Files.exists(sock, LinkOption.NOFOLLOW_LINKS)).isFalse();
        assertThat(dir.toFile().list()).isEmpty();
    }

    @Test
    void promptModeSessionOverSocat() throws Exception {
        Path sock = dir.resolve("admin.sock");
        try (AdminServer admin = server(socket(sock, "600", Level.ADMIN))) {
            admin.start();
            assertThat(Socat.run(sock, "prompt\nshow cli level\nget weight MySQL/Primary\nquit\n"))
                    .isEqualTo("\n> admin\n\n> 1 (initial 1)\n\n> ");
        }
    }

    @Test
    void staleSocketFileIsReplaced() throws Exception {
        Path sock = dir.resolve("stale.sock");
        // A socket file nobody listens on, as a crash leaves it: the JDK does not remove the file on close.
        try (ServerSocketChannel crashed = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            crashed.bind(UnixDomainSocketAddress.of(sock));
        }
        assertThat(Files.exists(sock, LinkOption.NOFOLLOW_LINKS)).isTrue();
        try (AdminServer admin = server(socket(sock, "600", Level.ADMIN))) {
            admin.start();
            assertThat(Socat.line(sock, "show cli level")).isEqualTo("admin\n\n");
        }
        assertThat(Files.exists(sock, LinkOption.NOFOLLOW_LINKS)).isFalse();
    }

    @Test
    void liveSocketRefusesASecondInstance() throws Exception {
        Path sock = dir.resolve("live.sock");
        try (AdminServer first = server(socket(sock, "600", Level.ADMIN))) {
            first.start();
            AdminServer second = server(socket(sock, "600", Level.ADMIN));
            assertThatThrownBy(second::start)
                    .isInstanceOf(AdminSocketException.class)
                    .hasMessage("another instance is running: " + sock + " answers");
            // The first one is untouched, also once the failed one is closed.
            assertThat(Socat.line(sock, "show cli level")).isEqualTo("admin\n\n");
            second.close();
            assertThat(Socat.line(sock, "show cli level")).isEqualTo("admin\n\n");
        }
    }

    @Test
    void socketFileIsRemovedOnCloseUnlessReplaced() throws Exception {
        Path sock = dir.resolve("gone.sock");
        AdminServer admin = server(socket(sock, "600", Level.ADMIN));
        admin.start();
        assertThat(Files.exists(sock, LinkOption.NOFOLLOW_LINKS)).isTrue();
        admin.close();
        assertThat(Files.exists(sock, LinkOption.NOFOLLOW_LINKS)).isFalse();
        admin.close();

        // Another process put its own socket at the path meanwhile: closing leaves it alone.
        AdminServer older = server(socket(sock, "600", Level.ADMIN));
        older.start();
        Files.delete(sock);
        try (ServerSocketChannel newer = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            newer.bind(UnixDomainSocketAddress.of(sock));
            older.close();
            assertThat(Files.exists(sock, LinkOption.NOFOLLOW_LINKS)).isTrue();
        }
    }

    @Test
    void refusesWhatIsNotASocketAndMissingDirectories() throws Exception {
        Path file = dir.resolve("regular");
        Files.writeString(file, "keep me");
        try (AdminServer admin = server(socket(file, "600", Level.ADMIN))) {
            assertThatThrownBy(admin::start)
                    .isInstanceOf(AdminSocketException.class)
                    .hasMessage("cannot bind admin socket " + file + ": the path exists and is not a socket");
        }
        assertThat(Files.readString(file)).isEqualTo("keep me");

        Path missing = dir.resolve("nodir").resolve("admin.sock");
        try (AdminServer admin = server(socket(missing, "600", Level.ADMIN))) {
            assertThatThrownBy(admin::start)
                    .isInstanceOf(AdminSocketException.class)
                    .hasMessage("cannot bind admin socket " + missing + ": directory " + missing.getParent()
                            + " does not exist (Understudy does not create it)");
        }
        Path tooLong = dir.resolve("x".repeat(120));
        try (AdminServer admin = server(socket(tooLong, "600", Level.ADMIN))) {
            assertThatThrownBy(admin::start).hasMessageContaining("a Unix socket path holds at most 107");
        }
        try (AdminServer admin = server(socket(dir.resolve("a.sock"), "999", Level.ADMIN))) {
            assertThatThrownBy(admin::start).hasMessageContaining("mode '999' is not an octal permission");
        }
        // One bad socket among good ones: nothing stays bound.
        Path good = dir.resolve("good.sock");
        try (AdminServer admin = server(socket(good, "600", Level.ADMIN), socket(missing, "600", Level.ADMIN))) {
            assertThatThrownBy(admin::start).isInstanceOf(AdminSocketException.class);
            assertThat(Files.exists(good, LinkOption.NOFOLLOW_LINKS)).isFalse();
        }
    }

    @Test
    void nioTransportServesToo() throws Exception {
        Path sock = dir.resolve("nio.sock");
        try (AdminServer admin = new AdminServer(
                new AdminConfig(List.of(socket(sock, "600", Level.ADMIN))),
                proxy.registry(),
                CliLimits.defaults(),
                Transport.nio())) {
            admin.start();
            assertThat(Socat.line(sock, "show cli level;get weight MySQL/Primary"))
                    .isEqualTo("admin\n\n1 (initial 1)\n\n");
            assertThat(Socat.run(sock, "prompt\nshow cli level\nquit\n")).isEqualTo("\n> admin\n\n> ");
            // Replies that wait for the control plane still reach a client that already sent its EOF, although NIO's
            // domain sockets cannot half-close.
            assertThat(Socat.line(sock, "disable server MySQL/Secondary")).isEqualTo("\n");
            assertThat(proxy.server("Secondary").state().inMaintenance()).isTrue();
            assertThat(Socat.line(sock, "enable server MySQL/Secondary;show cli level"))
                    .isEqualTo("\nadmin\n\n");
            assertThat(proxy.server("Secondary").state().inMaintenance()).isFalse();
        }
        assertThat(Files.exists(sock, LinkOption.NOFOLLOW_LINKS)).isFalse();
    }
}
