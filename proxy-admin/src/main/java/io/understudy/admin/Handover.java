package io.understudy.admin;

import io.netty.channel.unix.FileDescriptor;
import java.util.List;

/**
 * What a running proxy gives the new version of itself that takes over ({@code understudy -x SOCKET}, HAProxy's
 * {@code -x} with {@code expose-fd listeners}): its listening sockets, then its place as the owner of the state file,
 * and where each writer-role backend's traffic goes now, so that the new process writes to the same server while this
 * one still has sessions.
 */
public interface Handover {
    /** The listening sockets (frontends, then metrics), still open here: the receiver gets its own copies. */
    List<FileDescriptor> listeningSockets();

    /**
     * Stops writing the state file (after a last write), so that the new process, which reads it next, owns it; and
     * returns one line per fact: {@code pid <pid>}, then {@code writer <backend> <server>} for each writer-role backend
     * with a server in use.
     *
     * @throws IllegalStateException when this proxy cannot hand over (it is one of a pair)
     */
    String handOver();

    /** The new process could not start: this one writes the state file again, as before {@link #handOver}. */
    void handBack();
}
