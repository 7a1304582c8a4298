package io.understudy.core.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.understudy.core.TestConfigs;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The one reader of {@code backend/server} names: the admin socket, the state file and the control plane share it. */
class ServerRefTest {
    private final Backend mysql = new Backend(
            TestConfigs.listen("MySQL")
                    .server("Primary", 1)
                    .backup("Secondary", 2)
                    .build()
                    .listens()
                    .get(0)
                    .backend(),
            0);
    private final Backend other = new Backend(
            TestConfigs.listen("Other").server("A", 3).build().listens().get(0).backend(), 0);
    private final List<Backend> all = List.of(mysql, other);

    @Test
    void splitsAtTheFirstSlashAndRefusesEmptySides() {
        assertThat(ServerRef.parse("MySQL/Primary")).contains(new ServerRef("MySQL", "Primary"));
        assertThat(ServerRef.parse("MySQL/a/b")).contains(new ServerRef("MySQL", "a/b"));
        assertThat(ServerRef.parse("MySQL")).isEmpty();
        assertThat(ServerRef.parse("MySQL/")).isEmpty();
        assertThat(ServerRef.parse("/Primary")).isEmpty();
        assertThat(ServerRef.parse("")).isEmpty();
    }

    @Test
    void namesOrIdsOnEitherSide() {
        assertThat(ServerRef.parse("MySQL/Secondary").flatMap(r -> r.find(all)))
                .containsSame(mysql.servers().get(1));
        assertThat(ServerRef.parse("#2/#1").flatMap(r -> r.find(all)))
                .containsSame(other.servers().get(0));
        assertThat(ServerRef.parse("#1/#2").flatMap(r -> r.find(all)))
                .containsSame(mysql.servers().get(1));
        assertThat(ServerRef.parse("#3/#1").flatMap(r -> r.find(all))).isEmpty();
        assertThat(ServerRef.parse("MySQL/#9").flatMap(r -> r.find(all))).isEmpty();
        assertThat(ServerRef.parse("Nope/Primary").flatMap(r -> r.find(all))).isEmpty();
    }
}
