package io.understudy.admin.state;

import io.understudy.core.model.AdminState;
import io.understudy.core.model.AdminState.Note;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Optional;

/**
 * Reads and atomically replaces one state file. A write goes to {@code <file>.tmp} in the same directory, is fsynced,
 * renamed over the file and the directory is fsynced: a reader (or a crash) sees the old file or the new one, never a
 * mix, and after {@link #write} returns the new one survives a power cut. Blocking: call it from the state writer's
 * thread or at startup, never from an event loop or the control plane's thread.
 */
public final class StateFile {
    /** A state file holds a few lines per server; anything this big is something else put at the wrong path. */
    static final long MAX_BYTES = 1 << 20;

    private static final DateTimeFormatter ASIDE_STAMP =
            DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss.SSS'Z'").withZone(ZoneOffset.UTC);

    private static final java.security.SecureRandom RANDOM = new java.security.SecureRandom();

    private final Path path;

    public StateFile(Path path) {
        this.path = path.toAbsolutePath().normalize();
    }

    /**
     * A fresh temporary name beside the file, unguessable, so that nobody can plant a link there beforehand; it is
     * created exclusively and never through a link (O_CREAT|O_EXCL|O_NOFOLLOW).
     */
    private Path freshTemp() {
        return path.resolveSibling(
                path.getFileName() + "." + java.util.HexFormat.of().toHexDigits(RANDOM.nextLong()) + ".tmp");
    }

    public Path path() {
        return path;
    }

    /**
     * The state in the file, or empty when there is no file (a first start).
     *
     * @throws StateFileException the file exists but cannot be trusted
     * @throws IOException the file could not be read at all (permissions, I/O error)
     */
    public Optional<AdminState> read() throws IOException, StateFileException {
        byte[] bytes;
        try {
            if (Files.size(path) > MAX_BYTES) {
                throw new StateFileException("too large (" + Files.size(path) + " bytes): not a state file?");
            }
            bytes = Files.readAllBytes(path);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
        String text;
        try {
            text = StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new StateFileException("not UTF-8 text");
        }
        return Optional.of(StateFormat.parse(text));
    }

    /** Replaces the file with {@code state}, atomically and durably. */
    public void write(AdminState state, Note lastChange) throws IOException {
        writeText(StateFormat.format(state, lastChange));
    }

    void writeText(String text) throws IOException {
        ByteBuffer bytes = ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
        Path temp = freshTemp();
        try (FileChannel ch = FileChannel.open(
                temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS)) {
            while (bytes.hasRemaining()) {
                ch.write(bytes);
            }
            // Data on disk before the rename: otherwise a crash can leave the new name pointing at an empty file.
            ch.force(true);
        } catch (IOException e) {
            Files.deleteIfExists(temp);
            throw e;
        }
        // rename(2): readers see the old or the new file, never a partly written one.
        try {
            Files.move(temp, path, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            Files.deleteIfExists(temp);
            throw e;
        }
        syncDirectory();
    }

    /** Makes the rename itself durable: it lives in the directory, which has its own dirty pages. */
    private void syncDirectory() throws IOException {
        Path dir = path.getParent();
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        }
    }

    /**
     * Moves an untrusted file out of the way as {@code <file>.corrupt-<UTC time>} so that nothing an operator wrote
     * is lost and the next write starts a fresh file.
     *
     * @return where the file now is
     */
    public Path setAside(Instant now) throws IOException {
        Path aside = path.resolveSibling(path.getFileName() + ".corrupt-" + ASIDE_STAMP.format(now));
        Files.move(path, aside);
        return aside;
    }
}
