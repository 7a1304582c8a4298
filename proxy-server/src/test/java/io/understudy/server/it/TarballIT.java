package io.understudy.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.understudy.testkit.NetnsLab;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The tarball extracted as an operator would, and run from another working directory: bin/understudy must find
 * lib/ next to itself (also through a symlink), not the checkout it was built in.
 */
@Timeout(180)
class TarballIT {
    @TempDir
    static Path dir;

    static Path home;
    static Path elsewhere;

    @BeforeAll
    static void extract() throws Exception {
        Path tarball = Packages.tarball();
        Packages.mustRun(dir, "tar", "-xzf", tarball.toString());
        String name = tarball.getFileName().toString().replaceFirst("\\.tar\\.gz$", "");
        home = dir.resolve(name);
        elsewhere = Files.createDirectory(dir.resolve("elsewhere"));
    }

    @Test
    void holdsLauncherJarsConfigDocsAndUnit() {
        assertThat(home.resolve("bin/understudy")).isExecutable();
        assertThat(home.resolve("lib/understudy.jar")).isRegularFile();
        assertThat(home.resolve("lib")).isDirectoryContaining("glob:**/netty-transport-*.jar");
        assertThat(home.resolve("conf/understudy.conf")).isRegularFile();
        assertThat(home.resolve("docs/configuration.md")).isRegularFile();
        assertThat(home.resolve("systemd/understudy.service")).isRegularFile();
        assertThat(home.resolve("README.md")).isRegularFile();
    }

    @Test
    void versionRunsFromAnotherDirectoryAndThroughASymlink() throws Exception {
        String version = home.getFileName().toString().replaceFirst("^understudy-", "");
        String direct = Packages.mustRun(elsewhere, "../" + home.getFileName() + "/bin/understudy", "--version");
        assertThat(direct).startsWith("Understudy " + version + "\n");

        Path link = Files.createSymbolicLink(elsewhere.resolve("understudy"), home.resolve("bin/understudy"));
        assertThat(Packages.mustRun(elsewhere, link.toString(), "--version")).isEqualTo(direct);
    }

    @Test
    void checkValidatesTheShippedConfigFromAnotherDirectory() throws Exception {
        String launcher = "../" + home.getFileName() + "/bin/understudy";
        NetnsLab.Result shipped = Packages.runIn(
                elsewhere,
                Duration.ofSeconds(60),
                launcher,
                "check",
                "-c",
                "../" + home.getFileName() + "/conf/understudy.conf");
        ShippedConfig.assertOnlyPlaceholdersRejected(shipped);

        Path filled = ShippedConfig.withLoopbackServers(home.resolve("conf/understudy.conf"), elsewhere);
        assertThat(Packages.mustRun(
                        elsewhere, launcher, "check", "-c", filled.getFileName().toString()))
                .contains("Configuration file is valid: loopback-servers.conf (1 listen section(s))");
    }
}
