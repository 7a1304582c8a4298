package io.understudy.core.config;

import com.typesafe.config.ConfigList;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Reads {@code global.log-format} and {@code global.log}: what a session's line holds, and where syslog goes. */
final class LogReader {
    static final String TARGETS = "a list of syslog targets [ { target = \"127.0.0.1:514\", facility = local0 } ]";
    static final String TARGET_OBJECT = "a syslog target { target = ..., facility = ..., level = ... }";
    static final String TARGET =
            "host:port or [ipv6]:port (UDP), or the absolute path of a Unix datagram socket" + " such as /dev/log";
    static final Map<String, LogFormat> FORMATS = formats();
    static final Map<String, Integer> FACILITIES = numbered(LogTarget.FACILITIES);
    static final Map<String, Integer> LEVELS = numbered(LogTarget.LEVELS);
    /** HAProxy sends every level unless told otherwise. */
    static final int DEFAULT_LEVEL = LogTarget.LEVELS.indexOf("debug");

    private final Problems problems;
    private final Addresses addresses;

    LogReader(Problems problems, Addresses addresses) {
        this.problems = problems;
        this.addresses = addresses;
    }

    Optional<LogFormat> format(Section global) {
        return global.has("log-format") ? global.keyword("log-format", FORMATS) : Optional.of(LogFormat.TCPLOG);
    }

    /** The syslog targets, none when {@code global.log} is absent; empty when something in them was reported. */
    Optional<List<LogTarget>> targets(Section global) {
        if (!global.has("log")) {
            return Optional.of(List.of());
        }
        Optional<ConfigList> list = global.list("log", TARGETS);
        if (list.isEmpty()) {
            return Optional.empty();
        }
        List<LogTarget> targets = new ArrayList<>();
        boolean complete = true;
        for (int i = 0; i < list.get().size(); i++) {
            String path = global.keyPath("log") + "[" + i + "]";
            ConfigValue v = list.get().get(i);
            if (v.valueType() != ConfigValueType.OBJECT) {
                problems.add(path, v, TARGET_OBJECT);
                complete = false;
                continue;
            }
            Optional<LogTarget> t = target(new Section((ConfigObject) v, path, problems));
            t.ifPresent(targets::add);
            complete &= t.isPresent();
        }
        return complete ? Optional.of(targets) : Optional.empty();
    }

    private Optional<LogTarget> target(Section s) {
        s.checkKnownKeys(ConfigKeys.LOG_TARGET);
        if (!s.has("target")) {
            s.missing("target", TARGET);
        }
        if (!s.has("facility")) {
            s.missing("facility", "one of " + String.join(", ", FACILITIES.keySet()));
        }
        Optional<Integer> facility = s.keyword("facility", FACILITIES);
        Optional<Integer> level = s.has("level") ? s.keyword("level", LEVELS) : Optional.of(DEFAULT_LEVEL);
        Optional<String> where = s.has("target") ? s.string("target") : Optional.empty();
        Optional<Path> unix = Optional.empty();
        Optional<InetSocketAddress> udp = Optional.empty();
        if (where.isPresent() && where.get().startsWith("/")) {
            unix = Optional.of(Path.of(where.get()));
        } else if (where.isPresent()) {
            udp = addresses.server(s, "target").map(HostPort::resolved);
        }
        if (facility.isEmpty() || level.isEmpty() || (unix.isEmpty() && udp.isEmpty())) {
            return Optional.empty();
        }
        return Optional.of(new LogTarget(udp, unix, facility.get(), level.get()));
    }

    private static Map<String, LogFormat> formats() {
        Map<String, LogFormat> m = new LinkedHashMap<>();
        for (LogFormat f : LogFormat.values()) {
            m.put(f.keyword(), f);
        }
        return m;
    }

    private static Map<String, Integer> numbered(List<String> names) {
        Map<String, Integer> m = new LinkedHashMap<>();
        for (int i = 0; i < names.size(); i++) {
            m.put(names.get(i), i);
        }
        return m;
    }
}
