package io.understudy.server.it;

import io.understudy.testkit.MariaDbServer;
import java.util.List;

/** Config texts for integration tests. */
final class Hocon {
    private Hocon() {}

    static final String[] NAMES = {"Primary", "Secondary", "Tertiary"};

    static String activeBackup(List<MariaDbServer> servers, String extra) {
        StringBuilder s = new StringBuilder("listen.MySQL {\n  bind = \"127.0.0.1:0\"\n  servers = [\n");
        for (int i = 0; i < servers.size(); i++) {
            s.append("    { name = ")
                    .append(NAMES[i])
                    .append(", address = \"127.0.0.1:")
                    .append(servers.get(i).port())
                    .append('"')
                    .append(i > 0 ? ", backup = true" : "")
                    .append(" }\n");
        }
        return s.append("  ]\n").append(extra).append("\n}\n").toString();
    }
}
