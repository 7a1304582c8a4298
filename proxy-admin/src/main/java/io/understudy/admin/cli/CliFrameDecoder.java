package io.understudy.admin.cli;

import io.netty.handler.codec.LineBasedFrameDecoder;

/**
 * Cuts the admin byte stream into request lines ({@code \n} or {@code \r\n}, stripped), failing fast with a {@code
 * TooLongFrameException} as soon as a line outgrows the limit so that nothing is buffered beyond it. Also tells the
 * handler whether part of a next line is already buffered: a non-interactive connection stays open only while the
 * client has more request bytes in flight, as HAProxy's does.
 */
final class CliFrameDecoder extends LineBasedFrameDecoder {
    CliFrameDecoder(int maxLineBytes) {
        super(maxLineBytes, true, true);
    }

    /** Whether bytes of an unfinished line are waiting for their newline. */
    boolean hasPartialLine() {
        return actualReadableBytes() > 0;
    }
}
