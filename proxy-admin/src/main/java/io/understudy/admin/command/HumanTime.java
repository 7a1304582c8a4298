package io.understudy.admin.command;

import io.understudy.admin.info.ProcessInfo;

/** Durations written the way HAProxy writes them in {@code show sess} and {@code show info}. */
final class HumanTime {
    private static final long MINUTE = 60;
    private static final long HOUR = 3600;
    private static final long DAY = 86_400;

    private HumanTime() {}

    /** HAProxy's {@code human_time(t, 1)}: the two most significant units, e.g. {@code 4s}, {@code 1m2s}, {@code 3d5h}. */
    static String age(long seconds) {
        if (seconds < 0) {
            return "?";
        }
        StringBuilder s = new StringBuilder();
        int units = 2;
        if (seconds >= DAY) {
            s.append(seconds / DAY).append('d');
            units--;
        }
        if (units > 0 && seconds % DAY / HOUR != 0) {
            s.append(seconds % DAY / HOUR).append('h');
            units--;
        }
        if (units > 0 && seconds % HOUR / MINUTE != 0) {
            s.append(seconds % HOUR / MINUTE).append('m');
            units--;
        }
        if ((units > 0 && seconds % MINUTE != 0) || seconds == 0) {
            s.append(seconds % MINUTE).append('s');
        }
        return s.toString();
    }

    /** {@code show info}'s {@code Uptime}: {@code 0d 0h03m32s}. */
    static String uptime(long seconds) {
        return ProcessInfo.uptime(seconds);
    }
}
