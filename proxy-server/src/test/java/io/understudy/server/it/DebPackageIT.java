package io.understudy.server.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.understudy.testkit.FreePorts;
import io.understudy.testkit.NetnsLab;
import io.understudy.testkit.Socat;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The .deb installed with {@code dpkg -i} on this machine, checked, and purged again (in {@link #purge}, whatever the
 * tests did). A system-wide change: it needs root and dpkg, and fails rather than replace an understudy package that
 * is already installed (an operator's is never touched). Where systemd runs, policy-rc.d keeps postinst from starting
 * the service. Without systemd as PID 1 the unit is verified with {@code systemd-analyze verify}, not started; the installed
 * launcher is started by hand, as the unit's user, on a test config.
 */
@Timeout(300)
class DebPackageIT {
    private static final Path UNIT = Paths.get("/lib/systemd/system/understudy.service");
    private static final Path CONF = Paths.get("/etc/understudy/understudy.conf");
    private static final Duration LIMIT = Duration.ofSeconds(60);

    @TempDir
    static Path dir;

    /** Whether this test made the understudy user (postrm keeps it, as Debian does; the test removes its own). */
    static boolean userWasThere;

    static boolean installed;

    @BeforeAll
    static void install() {
        // The suite runs as root on Debian (the pair and network-fault tests need it too): a machine without either
        // fails here, saying why, rather than passing without the package ever being installed.
        assertThat(ProcessHandle.current().info().user().orElse(""))
                .as("dpkg -i needs root: the .deb is tested by installing it (run scripts/test.sh as root)")
                .isEqualTo("root");
        assertThat(new File("/usr/bin/dpkg").canExecute())
                .as("no dpkg: the suite runs on Debian")
                .isTrue();
        assertThat(run("dpkg-query", "-W", "-f=${Status}", "understudy").output())
                .as("an understudy package is installed here, which this test would replace and purge:"
                        + " dpkg --purge understudy first, or run the suite on another machine")
                .doesNotContain("installed");
        userWasThere = run("getent", "passwd", "understudy").ok();
        installed = true;
        // Where systemd runs, postinst would start the service: Debian's policy-rc.d (exit 101) forbids it for this
        // installation, as in a chroot, and only when no policy of the machine's own is in place.
        Path policy = Paths.get("/usr/sbin/policy-rc.d");
        boolean ownPolicy = Files.isDirectory(Paths.get("/run/systemd/system")) && !Files.exists(policy);
        try {
            if (ownPolicy) {
                Files.writeString(
                        policy, "#!/bin/sh\n# Written by DebPackageIT while it installs the .deb.\nexit 101\n");
                policy.toFile().setExecutable(true);
            }
            NetnsLab.Result r = run("dpkg", "-i", Packages.deb().toString());
            assertThat(r.code()).as(r.output()).isZero();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } finally {
            if (ownPolicy) {
                policy.toFile().delete();
            }
        }
    }

    @AfterAll
    static void purge() {
        if (!installed) {
            return;
        }
        NetnsLab.Result r = run("dpkg", "--purge", "understudy");
        if (!userWasThere) {
            run("userdel", "understudy");
        }
        assertThat(r.code()).as(r.output()).isZero();
        for (String gone : List.of(
                "/usr/bin/understudy",
                "/usr/share/understudy",
                "/etc/understudy",
                "/var/lib/understudy",
                UNIT.toString(),
                "/etc/systemd/system/multi-user.target.wants/understudy.service")) {
            assertThat(Paths.get(gone)).as("left by dpkg --purge").doesNotExist();
        }
    }

    @Test
    void installsTheFilesTheConffileAndTheUser() {
        assertThat(Paths.get("/usr/bin/understudy")).isSymbolicLink();
        assertThat(Paths.get("/usr/share/understudy/lib/understudy.jar")).isRegularFile();
        assertThat(Paths.get("/usr/share/doc/understudy/README.md")).isRegularFile();
        assertThat(run("dpkg-query", "-W", "-f=${Conffiles}", "understudy").output())
                .contains(CONF.toString());
        assertThat(run("getent", "passwd", "understudy").output()).contains(":/var/lib/understudy:");
        // Enabled, as a first installation should be, though not started (systemd does not run, or policy-rc.d).
        assertThat(Paths.get("/etc/systemd/system/multi-user.target.wants/understudy.service"))
                .isSymbolicLink();
    }

    @Test
    void installedLauncherChecksTheInstalledConfigAsTheServiceUser() {
        Path root = Paths.get("/");
        assertThat(Packages.mustRun(root, "understudy", "--version")).startsWith("Understudy ");
        ShippedConfig.assertOnlyPlaceholdersRejected(
                Packages.runIn(root, LIMIT, "understudy", "check", "-c", CONF.toString()));
        // What ExecStartPre runs, as the user it runs as.
        ShippedConfig.assertOnlyPlaceholdersRejected(Packages.runIn(
                root,
                LIMIT,
                "runuser",
                "-u",
                "understudy",
                "--",
                "/usr/bin/understudy",
                "check",
                "-q",
                "-c",
                "" + CONF));
    }

    /** Errors and warnings about the unit, from systemd's own parser; other units' complaints are not ours. */
    @Test
    void unitVerifies() {
        NetnsLab.Result r = run("systemd-analyze", "verify", UNIT.toString());
        assertThat(r.output().lines().filter(l -> l.contains("understudy")))
                .as(r.output())
                .isEmpty();
        assertThat(r.code()).as(r.output()).isZero();
    }

    @Test
    void installedProxyRunsAsTheServiceUserAndAnswersItsAdminSocket() throws Exception {
        // The service user reaches a directory of its own under the test's temp dir, as it would /run/understudy.
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path run = Files.createDirectory(dir.resolve("run"));
        UserPrincipalLookupService users = run.getFileSystem().getUserPrincipalLookupService();
        Files.setOwner(run, users.lookupPrincipalByName("understudy"));
        Path socket = run.resolve("admin.sock");
        Path conf = dir.resolve("test.conf");
        Files.writeString(
                conf,
                "listen.MySQL { bind = \"127.0.0.1:0\", servers = [ { name = Primary, address = \"127.0.0.1:"
                        + FreePorts.find() + "\" } ] }\n"
                        + "admin { sockets = [ { path = \"" + socket + "\", mode = \"600\", level = admin } ] }\n");
        Path log = dir.resolve("proxy.log");
        Process p = new ProcessBuilder("runuser", "-u", "understudy", "--", "/usr/bin/understudy", "-c", "" + conf)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        try {
            await().atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(100))
                    .failFast("the proxy exited", () -> !p.isAlive())
                    .until(() -> Files.exists(socket));
            String info = Socat.command(socket, "show info");
            assertThat(info).as(Files.readString(log)).contains("Name: Understudy");
            Matcher pid = Pattern.compile("(?m)^Pid: (\\d+)$").matcher(info);
            assertThat(pid.find()).as(info).isTrue();
            assertThat(ProcessHandle.of(Long.parseLong(pid.group(1)))
                            .flatMap(h -> h.info().user()))
                    .contains("understudy");
            assertThat(Files.readString(log)).contains("frontend 'MySQL' listening on /127.0.0.1:");
        } finally {
            // SIGTERM to the JVM (runuser's child), the graceful stop the unit's KillSignal sends.
            p.descendants().forEach(ProcessHandle::destroy);
            if (!p.waitFor(45, TimeUnit.SECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
            }
        }
    }

    private static NetnsLab.Result run(String... cmd) {
        return NetnsLab.execute(List.of(cmd), LIMIT);
    }
}
