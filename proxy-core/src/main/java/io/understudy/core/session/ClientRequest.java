package io.understudy.core.session;

import io.netty.buffer.ByteBuf;

/**
 * What a client's request can do to the data, told from its first bytes: the one place the relay looks inside the
 * MySQL protocol. When a server is marked down, a session with a read in flight is closed at once, while one with a
 * write in flight holds the traffic move back (up to {@code timeout drain}) so that, if the server was only stalled,
 * the write lands there before the first write on the new server.
 *
 * <p>Read-only: {@code COM_QUIT}, {@code COM_INIT_DB}, {@code COM_STATISTICS}, {@code COM_PING}, and {@code COM_QUERY}
 * whose statement (after blanks and {@code /* ... *}{@code /} comments, such as the ones mysql-connector-j puts before
 * its own queries) starts with {@code SELECT}, {@code SHOW}, {@code DESC}, {@code DESCRIBE} or {@code EXPLAIN}, or is
 * a {@code SET} of session settings (drivers send them at every connect) that mentions no password, role or
 * autocommit.
 * Everything else, and anything that cannot be told (a packet cut short or longer than {@link #SCAN_LIMIT}, several
 * statements or requests at once, a prepared statement, an executable comment, a TLS session), counts as a write. A {@code SELECT} calling a function that writes is taken for a read:
 * the cost is that such a write, in flight on a frozen server, may land after the move.
 */
final class ClientRequest {
    private static final int HEADER = 4;
    private static final int COM_QUIT = 0x01;
    private static final int COM_INIT_DB = 0x02;
    private static final int COM_QUERY = 0x03;
    private static final int COM_STATISTICS = 0x09;
    private static final int COM_PING = 0x0e;
    private static final int COM_STMT_SEND_LONG_DATA = 0x18;
    private static final int COM_STMT_CLOSE = 0x19;
    private static final String[] READS = {"SELECT", "SHOW", "DESCRIBE", "DESC", "EXPLAIN"};

    /**
     * The longest statement looked at: a longer one counts as a write. Drivers' own queries at connect run to several
     * hundred bytes (mysql-connector-j's variables query is over 500).
     */
    static final int SCAN_LIMIT = 4096;

    private ClientRequest() {}

    /** What a request can do. */
    enum Kind {
        /** Reads or session settings only. */
        READ,
        /** {@code SET autocommit = 1}: commits a transaction if one is open, else writes nothing. */
        AUTOCOMMIT,
        /** {@code COM_STMT_CLOSE}, {@code COM_STMT_SEND_LONG_DATA}: writes nothing and gets no answer. */
        NO_REPLY,
        /** May write, or cannot be told. */
        WRITE
    }

    /** What the request starting at {@code buf}'s reader index can do; the buffer is not changed. */
    static Kind kind(ByteBuf buf) {
        int start = buf.readerIndex();
        if (buf.writerIndex() - start > HEADER && !tlsRecord(buf)) {
            int command = buf.getUnsignedByte(start + HEADER);
            if (command == COM_STMT_CLOSE || command == COM_STMT_SEND_LONG_DATA) {
                return Kind.NO_REPLY;
            }
        }
        if (readOnly(buf)) {
            return Kind.READ;
        }
        int i = buf.readerIndex() + HEADER + 1;
        int end = Math.min(buf.writerIndex(), i + SCAN_LIMIT);
        if (buf.writerIndex() - buf.readerIndex() > HEADER
                && buf.getUnsignedByte(buf.readerIndex() + HEADER) == COM_QUERY
                && isSetAutocommitOn(buf, i, end)) {
            return Kind.AUTOCOMMIT;
        }
        return Kind.WRITE;
    }

    /** {@code SET autocommit=1} (or {@code = ON}), alone, as drivers send it. */
    private static boolean isSetAutocommitOn(ByteBuf buf, int from, int to) {
        return sameIgnoringBlanks(buf, from, to, "SETAUTOCOMMIT=1")
                || sameIgnoringBlanks(buf, from, to, "SETAUTOCOMMIT=ON")
                || sameIgnoringBlanks(buf, from, to, "SETSESSIONAUTOCOMMIT=1");
    }

    /**
     * Whether {@code [from, to)}, blanks left out and upper-cased, is exactly {@code text}; stops at the first
     * difference, so an ordinary write costs a few bytes' look, not a copy of its statement.
     */
    private static boolean sameIgnoringBlanks(ByteBuf buf, int from, int to, String text) {
        int j = 0;
        for (int i = from; i < to; i++) {
            int c = buf.getUnsignedByte(i);
            if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
                continue;
            }
            if (j == text.length() || Character.toUpperCase(c) != text.charAt(j)) {
                return false;
            }
            j++;
        }
        return j == text.length();
    }

    /**
     * Whether the request starting at {@code buf}'s reader index is read-only; the buffer is not changed. Only a
     * request whose whole packet is in {@code buf}, and nothing after it (no second request pipelined behind), can be.
     */
    static boolean readOnly(ByteBuf buf) {
        int start = buf.readerIndex();
        int end = buf.writerIndex();
        if (end - start < HEADER + 1 || tlsRecord(buf)) {
            return false;
        }
        int payload = buf.getUnsignedMediumLE(start);
        if (end - start != HEADER + payload) {
            return false;
        }
        int command = buf.getUnsignedByte(start + HEADER);
        switch (command) {
            case COM_QUIT, COM_INIT_DB, COM_STATISTICS, COM_PING:
                return true;
            case COM_QUERY:
                return payload - 1 <= SCAN_LIMIT
                        && singleStatement(buf, start + HEADER + 1, end)
                        && readOnlyStatement(buf, start + HEADER + 1, end);
            default:
                return false;
        }
    }

    /** Whether {@code buf} starts like a TLS record (handshake or application data): nothing in it can be read. */
    static boolean tlsRecord(ByteBuf buf) {
        int i = buf.readerIndex();
        if (buf.writerIndex() - i < 3) {
            return false;
        }
        int type = buf.getUnsignedByte(i);
        return (type == 0x16 || type == 0x17) && buf.getUnsignedByte(i + 1) == 0x03;
    }

    /** No {@code ;} but trailing ones: one statement (a multi-statement query may write in a later one). */
    private static boolean singleStatement(ByteBuf buf, int from, int to) {
        int last = to;
        while (last > from) {
            int c = buf.getUnsignedByte(last - 1);
            if (c == ';' || c == ' ' || c == '\t' || c == '\r' || c == '\n') {
                last--;
            } else {
                break;
            }
        }
        for (int i = from; i < last; i++) {
            if (buf.getUnsignedByte(i) == ';') {
                return false;
            }
        }
        return true;
    }

    private static boolean readOnlyStatement(ByteBuf buf, int from, int to) {
        int i = from;
        while (i < to) {
            int c = buf.getUnsignedByte(i);
            if (c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '(') {
                i++;
            } else if (c == '/' && i + 1 < to && buf.getUnsignedByte(i + 1) == '*') {
                int third = i + 2 < to ? buf.getUnsignedByte(i + 2) : -1;
                if (third == '!' || third == 'M' || third == 'm') {
                    return false; // an executable comment (/*! or MariaDB's /*M!) is a statement
                }
                int close = indexOf(buf, i + 2, to);
                if (close < 0) {
                    return false;
                }
                i = close + 2;
            } else if (startsWithKeyword(buf, i, to, "SET")) {
                // Session settings (SET NAMES, character sets, user variables) write nothing; a password or role
                // change does, and autocommit=1 commits an open transaction.
                return !contains(buf, i, to, "PASSWORD")
                        && !contains(buf, i, to, "ROLE")
                        && !contains(buf, i, to, "AUTOCOMMIT")
                        // MariaDB's SET STATEMENT ... FOR <any statement>
                        && !contains(buf, i, to, "STATEMENT");
            } else {
                for (String k : READS) {
                    if (startsWithKeyword(buf, i, to, k)) {
                        // EXPLAIN ANALYZE (and DESC ANALYZE) runs the statement it explains.
                        return k.equals("SELECT") || k.equals("SHOW") || !contains(buf, i, to, "ANALYZE");
                    }
                }
                return false;
            }
        }
        return false;
    }

    /** The index of the next star-slash at or after {@code from}, or -1 before {@code to}. */
    private static int indexOf(ByteBuf buf, int from, int to) {
        for (int i = from; i + 1 < to; i++) {
            if (buf.getUnsignedByte(i) == '*' && buf.getUnsignedByte(i + 1) == '/') {
                return i;
            }
        }
        return -1;
    }

    private static boolean startsWithKeyword(ByteBuf buf, int at, int to, String k) {
        int n = k.length();
        if (at + n > to) {
            return false;
        }
        for (int j = 0; j < n; j++) {
            if (Character.toUpperCase(buf.getUnsignedByte(at + j)) != k.charAt(j)) {
                return false;
            }
        }
        // The keyword must end there: SELECTED is not SELECT, DESCRIBE is checked before DESC.
        return at + n == to || !Character.isLetterOrDigit(buf.getUnsignedByte(at + n));
    }

    /** Whether {@code word} appears anywhere in {@code [from, to)}, ignoring case. */
    private static boolean contains(ByteBuf buf, int from, int to, String word) {
        for (int i = from; i + word.length() <= to; i++) {
            int j = 0;
            while (j < word.length() && Character.toUpperCase(buf.getUnsignedByte(i + j)) == word.charAt(j)) {
                j++;
            }
            if (j == word.length()) {
                return true;
            }
        }
        return false;
    }
}
