package io.understudy.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.understudy.testkit.NetnsLab;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * conf/understudy.conf as packaged. Its two servers are placeholders (primary/secondary.example.com), which do not
 * resolve, so {@code understudy check} on it as shipped reports those two addresses and nothing else; with the
 * placeholders replaced by loopback addresses it is valid. Both together say the file is good but for the part an
 * operator must fill in, which is also what keeps the packaged service from starting until they do.
 */
final class ShippedConfig {
    private static final String PRIMARY = "primary.example.com:3306";
    private static final String SECONDARY = "secondary.example.com:3306";

    private ShippedConfig() {}

    /** {@code check} of the file as shipped: valid (where the placeholders happen to resolve) or only them wrong. */
    static void assertOnlyPlaceholdersRejected(NetnsLab.Result check) {
        if (check.ok()) {
            return;
        }
        assertThat(check.code()).as(check.output()).isEqualTo(1);
        assertThat(check.output())
                .contains("is invalid (2 problems)")
                .contains("servers[0].address = " + PRIMARY + ": expected a host name that resolves")
                .contains("servers[1].address = " + SECONDARY + ": expected a host name that resolves");
    }

    /** A copy of {@code shipped} in {@code dir} with the servers at 127.0.0.1 and nothing else changed. */
    static Path withLoopbackServers(Path shipped, Path dir) throws IOException {
        String text = Files.readString(shipped);
        assertThat(text).contains(PRIMARY, SECONDARY);
        Path copy = dir.resolve("loopback-servers.conf");
        Files.writeString(copy, text.replace(PRIMARY, "127.0.0.1:13306").replace(SECONDARY, "127.0.0.1:13307"));
        return copy;
    }
}
