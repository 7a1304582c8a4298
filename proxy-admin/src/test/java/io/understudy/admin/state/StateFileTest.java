package io.understudy.admin.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import io.understudy.core.model.AdminState;
import io.understudy.core.model.AdminState.Note;
import io.understudy.core.model.AdminState.ServerAdmin;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The file on disk: reading what is not ours, writing without leftovers, and surviving a failed write. */
@Timeout(30)
class StateFileTest {
    private static final AdminState MAINT = new AdminState(
            Map.of("MySQL/Primary", new ServerAdmin(Optional.of(Note.UNRECORDED), Optional.empty(), Optional.empty())),
            Map.of());

    @TempDir
    Path dir;

    @Test
    void missingIsEmptyAndBinaryIsRejected() throws Exception {
        StateFile f = new StateFile(dir.resolve("state"));
        assertThat(f.read()).isEmpty();

        Files.write(f.path(), new byte[] {'u', (byte) 0xff, (byte) 0xfe, 0});
        assertThatThrownBy(f::read).isInstanceOf(StateFileException.class).hasMessage("not UTF-8 text");
    }

    @Test
    void writeReplacesTheFileAndLeavesNothingElse() throws Exception {
        StateFile f = new StateFile(dir.resolve("state"));
        f.write(AdminState.EMPTY, Note.UNRECORDED);
        f.write(MAINT, Note.of(Instant.parse("2026-11-22T01:02:03Z"), "MySQL/Primary: disable server"));

        assertThat(f.read()).contains(MAINT);
        assertThat(dir.toFile().list()).containsExactly("state");
    }

    @Test
    void aLinkPlantedWhereTheTemporaryFileWasNamedIsNeverFollowed() throws Exception {
        // The name the writer used to use for its temporary file, pointing at a file someone wants overwritten.
        Path victim = dir.resolve("victim");
        Files.writeString(victim, "precious\n");
        Files.createSymbolicLink(dir.resolve("state.tmp"), victim);
        StateFile f = new StateFile(dir.resolve("state"));

        f.write(MAINT, Note.UNRECORDED);
        f.write(AdminState.EMPTY, Note.UNRECORDED);

        assertThat(Files.readString(victim)).isEqualTo("precious\n");
        assertThat(Files.isSymbolicLink(dir.resolve("state"))).isFalse();
        assertThat(Files.isRegularFile(dir.resolve("state"), java.nio.file.LinkOption.NOFOLLOW_LINKS))
                .isTrue();
        assertThat(f.read()).contains(AdminState.EMPTY);
        // Nothing left behind but the file, the link and its target.
        assertThat(dir.toFile().list()).containsExactlyInAnyOrder("state", "state.tmp", "victim");
    }

    @Test
    void aFailedWriteIsReportedAndTheNextChangeIsWrittenOnceTheDiskIsBack() throws Exception {
        Path missingDir = dir.resolve("not-yet");
        StateFile f = new StateFile(missingDir.resolve("state"));
        try (TestSetup.Logs logs = new TestSetup.Logs();
                StateWriter w = new StateWriter(f, Duration.ZERO)) {
            w.submit(MAINT, Note.UNRECORDED);

            assertThat(w.flush()).isFalse();
            assertThat(logs.at(Level.WARN))
                    .singleElement()
                    .asString()
                    .contains(f.path().toString(), "cannot write", "would be lost on restart");

            Files.createDirectory(missingDir);
            w.submit(AdminState.EMPTY, Note.UNRECORDED);
            assertThat(w.flush()).isTrue();
            assertThat(f.read()).contains(AdminState.EMPTY);
            assertThat(logs.at(Level.WARN)).last().asString().contains("written again after");
        }
    }
}
