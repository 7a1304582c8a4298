package io.understudy.core.relay;

import io.netty.channel.AdaptiveRecvByteBufAllocator;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.channel.WriteBufferWaterMark;

/**
 * The buffer limits that bound a session's memory. A side stops being read once its peer has more than
 * {@link #HIGH_WATER} bytes waiting to be written, and resumes below {@link #LOW_WATER}; one read takes at most
 * {@link #MAX_READ} bytes. So each direction holds at most HIGH_WATER + MAX_READ bytes in the proxy, and a session at
 * most {@link #MAX_BUFFERED_PER_SESSION} (256 KiB), whatever the client or server does while both are connected.
 *
 * <p>One exception, from Netty's epoll transport: once a peer has closed its side (its FIN arrived), the transport
 * reads that socket to its end whatever auto-read says, so that the close is seen. A FIN travels after all the data, so
 * what it pulls in is what the kernel had already received for that socket: at most its receive buffer
 * ({@code net.ipv4.tcp_rmem}'s maximum on Linux), once, for a session whose server closes while its client is
 * not reading. A MySQL server closes only when the session ends.
 */
public final class RelayLimits {
    public static final int LOW_WATER = 32 * 1024;
    public static final int HIGH_WATER = 64 * 1024;
    public static final int MAX_READ = 64 * 1024;
    public static final int MAX_BUFFERED_PER_SESSION = 2 * (HIGH_WATER + MAX_READ);

    private static final WriteBufferWaterMark WATER_MARK = new WriteBufferWaterMark(LOW_WATER, HIGH_WATER);

    private RelayLimits() {}

    public static WriteBufferWaterMark waterMark() {
        return WATER_MARK;
    }

    public static RecvByteBufAllocator recvAllocator() {
        return new AdaptiveRecvByteBufAllocator(512, 16 * 1024, MAX_READ);
    }
}
