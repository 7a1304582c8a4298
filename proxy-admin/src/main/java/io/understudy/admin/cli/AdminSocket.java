package io.understudy.admin.cli;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.understudy.core.config.AdminSocketConfig;
import java.io.IOException;
import java.net.ConnectException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.nio.file.attribute.UserPrincipalNotFoundException;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One bound admin Unix socket and its file. Opening it: refuse a path where something answers (another instance), or
 * that is not a socket; replace a stale socket file left by a crash; bind under a temporary name, apply the mode and
 * owner, then rename it into place and only then start accepting, as HAProxy does, so that nobody can connect while the
 * permissions are still the default ones. Closing it removes the file, unless another process has replaced it since.
 *
 * <p>The directory must exist: like HAProxy, Understudy does not create it, because a missing directory usually means
 * a wrong path or an unprepared runtime directory, and creating it would choose its permissions for the operator.
 */
final class AdminSocket {
    private static final Logger LOG = LoggerFactory.getLogger(AdminSocket.class);

    /** {@code sizeof(sun_path) - 1} on Linux. */
    static final int MAX_PATH_BYTES = 107;

    private final AdminSocketConfig config;
    private final Path path;
    private final Channel channel;
    private final CliInitializer initializer;
    private final Object fileKey;

    private AdminSocket(
            AdminSocketConfig config, Path path, Channel channel, CliInitializer initializer, Object fileKey) {
        this.config = config;
        this.path = path;
        this.channel = channel;
        this.initializer = initializer;
        this.fileKey = fileKey;
    }

    Path path() {
        return path;
    }

    AdminSocketConfig config() {
        return config;
    }

    int openConnections() {
        return initializer.openConnections();
    }

    /** Binds the socket; blocks (file system and bind), so call it from the starting thread, never an event loop. */
    static AdminSocket open(
            AdminSocketConfig config,
            EventLoopGroup group,
            AdminTransport transport,
            CliInitializer initializer,
            boolean takeOver)
            throws AdminSocketException {
        Path path = config.path().toAbsolutePath().normalize();
        checkPath(path);
        Set<PosixFilePermission> mode = mode(path, config.mode());
        if (takeOver && isSocket(path)) {
            // The old process answers there until the rename below puts this socket in its place (atomically: a
            // client reaches one or the other, never neither). The old one leaves the new file alone when it stops.
            LOG.info("admin socket {}: taking it over from the process this one replaces", path);
        } else {
            claim(path);
        }

        // Unguessable, so that nobody can plant a link or a file there beforehand.
        Path tmp = Path.of(
                path + "." + java.util.HexFormat.of().toHexDigits(new java.security.SecureRandom().nextInt()) + ".tmp");
        boolean renameIntoPlace = bytes(tmp) <= MAX_PATH_BYTES;
        if (takeOver && !renameIntoPlace) {
            // Bound in place, the old process's socket would be gone for a moment, and its exit would remove ours.
            throw new AdminSocketException("admin socket " + path + ": the path is too long ("
                    + bytes(path) + " bytes) to be taken over atomically; a takeover needs at most "
                    + (MAX_PATH_BYTES - 13) + " bytes");
        }
        Path bindPath = renameIntoPlace ? tmp : path;
        if (renameIntoPlace) {
            deleteQuietly(tmp);
        } else {
            // No room for a temporary name: bind in place (the stale file, if any, must go first).
            deleteQuietly(path);
        }
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(group)
                .channel(transport.serverChannel())
                // Not accepting until mode and owner are set.
                .option(ChannelOption.AUTO_READ, false)
                .childHandler(initializer);
        if (transport.halfClosure()) {
            // A client that shuts its sending side (socat after its line) still gets its reply.
            bootstrap.childOption(ChannelOption.ALLOW_HALF_CLOSURE, true);
        }
        ChannelFuture bound = bootstrap.bind(transport.address(bindPath)).awaitUninterruptibly();
        if (!bound.isSuccess()) {
            throw new AdminSocketException(
                    "cannot bind admin socket " + path + ": " + describe(bound.cause()), bound.cause());
        }
        Channel channel = bound.channel();
        try {
            Files.setPosixFilePermissions(bindPath, mode);
            setOwner(bindPath, config);
            if (renameIntoPlace) {
                moveIntoPlace(tmp, path);
            }
            Object key = Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS)
                    .fileKey();
            channel.config().setAutoRead(true);
            LOG.info(
                    "admin socket {} ready: level {}, mode {}{}{} ({})",
                    path,
                    config.level().keyword(),
                    config.mode(),
                    config.user().map(u -> ", user " + u).orElse(""),
                    config.group().map(g -> ", group " + g).orElse(""),
                    transport.name());
            return new AdminSocket(config, path, channel, initializer, key);
        } catch (IOException | AdminSocketException e) {
            channel.close().awaitUninterruptibly();
            deleteQuietly(bindPath);
            if (e instanceof AdminSocketException a) {
                throw a;
            }
            throw new AdminSocketException("cannot set up admin socket " + path + ": " + describe(e), e);
        }
    }

    /** Stops accepting, closes the socket and removes its file if it is still ours. */
    void close() {
        channel.close().awaitUninterruptibly();
        try {
            BasicFileAttributes now = Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            if (Objects.equals(now.fileKey(), fileKey)) {
                Files.deleteIfExists(path);
            } else {
                LOG.info("admin socket {} was replaced by another process; leaving it", path);
            }
        } catch (java.nio.file.NoSuchFileException e) {
            // Already gone (the transport removes it on close).
        } catch (IOException e) {
            LOG.warn("cannot remove admin socket {}: {}", path, describe(e));
        }
        LOG.info("admin socket {} closed", path);
    }

    private static void checkPath(Path path) throws AdminSocketException {
        int length = bytes(path);
        if (length > MAX_PATH_BYTES) {
            throw new AdminSocketException("admin socket path " + path + " is " + length
                    + " bytes long; a Unix socket path holds at most " + MAX_PATH_BYTES);
        }
        Path parent = path.getParent();
        if (parent == null || !Files.isDirectory(parent)) {
            throw new AdminSocketException("cannot bind admin socket " + path + ": directory " + parent
                    + " does not exist (Understudy does not create it)");
        }
    }

    /**
     * Makes sure nothing else owns {@code path}: a live socket (something accepts a connection) means another instance
     * and a refusal; a socket nobody answers on is a leftover from a crash and is replaced; anything that is not a
     * socket is left alone and refused.
     */
    private static void claim(Path path) throws AdminSocketException {
        if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        if (!isSocket(path)) {
            throw new AdminSocketException(
                    "cannot bind admin socket " + path + ": the path exists and is not a socket");
        }
        try (SocketChannel probe = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            // Non-blocking, so that a live instance with a full accept queue cannot stall startup: "in progress" also
            // means something is listening.
            probe.configureBlocking(false);
            probe.connect(UnixDomainSocketAddress.of(path));
            throw new AdminSocketException("another instance is running: " + path + " answers");
        } catch (ConnectException e) {
            LOG.warn("admin socket {} is a stale file (nothing answers on it): replacing it", path);
        } catch (IOException e) {
            throw new AdminSocketException("cannot check whether " + path + " is in use: " + describe(e), e);
        }
    }

    private static boolean isSocket(Path path) {
        try {
            int mode = (Integer) Files.getAttribute(path, "unix:mode", LinkOption.NOFOLLOW_LINKS);
            return (mode & 0170000) == 0140000;
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            try {
                return Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS)
                        .isOther();
            } catch (IOException e2) {
                return false;
            }
        }
    }

    private static void moveIntoPlace(Path tmp, Path path) throws IOException {
        try {
            Files.move(tmp, path, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, path, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** The permission bits of an octal mode such as {@code 600} or {@code 0660}. */
    static Set<PosixFilePermission> mode(Path path, String mode) throws AdminSocketException {
        int bits;
        try {
            bits = Integer.parseInt(mode, 8);
        } catch (NumberFormatException e) {
            bits = -1;
        }
        if (bits < 0 || bits > 0777) {
            throw new AdminSocketException(
                    "admin socket " + path + ": mode '" + mode + "' is not an octal permission between 000 and 777");
        }
        PosixFilePermission[] all = PosixFilePermission.values(); // OWNER_READ .. OTHERS_EXECUTE, high bit first
        Set<PosixFilePermission> set = EnumSet.noneOf(PosixFilePermission.class);
        for (int i = 0; i < all.length; i++) {
            if ((bits & (1 << (all.length - 1 - i))) != 0) {
                set.add(all[i]);
            }
        }
        return set;
    }

    private static void setOwner(Path path, AdminSocketConfig config) throws AdminSocketException, IOException {
        UserPrincipalLookupService lookup = path.getFileSystem().getUserPrincipalLookupService();
        if (config.user().isPresent()) {
            String user = config.user().get();
            try {
                Files.setOwner(path, lookup.lookupPrincipalByName(user));
            } catch (UserPrincipalNotFoundException e) {
                throw new AdminSocketException("admin socket " + config.path() + ": no such user '" + user + "'", e);
            }
        }
        if (config.group().isPresent()) {
            String group = config.group().get();
            try {
                Files.getFileAttributeView(path, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
                        .setGroup(lookup.lookupPrincipalByGroupName(group));
            } catch (UserPrincipalNotFoundException e) {
                throw new AdminSocketException("admin socket " + config.path() + ": no such group '" + group + "'", e);
            }
        }
    }

    private static int bytes(Path p) {
        return p.toString().getBytes(StandardCharsets.UTF_8).length;
    }

    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException e) {
            LOG.debug("cannot delete {}: {}", p, e.toString());
        }
    }

    private static String describe(Throwable t) {
        if (t == null) {
            return "unknown error";
        }
        String m = t.getMessage();
        return m == null || m.isBlank() ? t.getClass().getSimpleName() : m;
    }
}
