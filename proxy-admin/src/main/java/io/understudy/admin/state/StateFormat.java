package io.understudy.admin.state;

import io.understudy.core.config.HostPort;
import io.understudy.core.config.IpLiteral;
import io.understudy.core.model.AdminState;
import io.understudy.core.model.AdminState.BackendAdmin;
import io.understudy.core.model.AdminState.Count;
import io.understudy.core.model.AdminState.Epoch;
import io.understudy.core.model.AdminState.Note;
import io.understudy.core.model.AdminState.ServerAdmin;
import io.understudy.core.model.AdminState.Weight;
import io.understudy.core.model.ServerName;
import io.understudy.core.model.ServerRef;
import io.understudy.core.model.ServerSpec;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The text form of an {@link AdminState}: line-oriented so that an operator can read and fix it with any editor, with a
 * version line first and an {@code end} line last so that a file from another version or a truncated copy is rejected
 * instead of half-applied.
 *
 * <pre>
 * understudy-state 1
 * # last change 2026-11-22T01:02:03Z: MySQL/Primary in maintenance (disable server)
 * epoch 7 by lbA
 * server MySQL/Primary maint set 2026-11-22T01:02:03Z "disable server"
 * server MySQL/Replica drain
 * server MySQL/Replica weight 50 set 2026-11-22T01:05:00Z "set weight 50"
 * backend MySQL active-server Secondary set 2026-11-22T00:58:10Z "failover: MySQL/Primary down (...)"
 * end
 * </pre>
 *
 * Words are separated by blanks; a word with blanks, quotes, {@code #} or backslashes is written in double quotes with
 * backslash escapes. {@code #} outside quotes starts a comment. The {@code set <time> ["reason"]} tail is optional.
 */
public final class StateFormat {
    /** The first word of the first line: what makes this file ours. */
    public static final String MAGIC = "understudy-state";

    /** The only version this build reads and writes. */
    public static final int VERSION = 1;

    private StateFormat() {}

    /** The file's text; {@code lastChange} becomes the comment saying when and what changed last. */
    public static String format(AdminState state, Note lastChange) {
        StringBuilder out = new StringBuilder(256);
        out.append(MAGIC).append(' ').append(VERSION).append('\n');
        out.append("# Understudy admin state: what operators decided at runtime, restored at start.\n");
        out.append("# Rewritten on every change. Edit only while Understudy is stopped; keep 'end' last.\n");
        out.append("# Format and rules: docs/state-file.md\n");
        out.append("# last change ")
                .append(lastChange.at().map(Instant::toString).orElse("(unknown time)"))
                .append(": ")
                .append(oneLine(lastChange.reason()))
                .append('\n');
        return body(state, out);
    }

    /** The same text without comments: what the peer link carries. */
    public static String format(AdminState state) {
        StringBuilder out = new StringBuilder(256);
        out.append(MAGIC).append(' ').append(VERSION).append('\n');
        return body(state, out);
    }

    private static String body(AdminState state, StringBuilder out) {
        if (!state.epoch().equals(Epoch.NONE)) {
            out.append("epoch ").append(state.epoch().value());
            if (!state.epoch().by().isEmpty()) {
                out.append(" by ").append(Words.quote(state.epoch().by()));
            }
            out.append('\n');
        }
        state.added().forEach((id, a) -> line(out, a.note(), addedWords(id, a.spec())));
        state.deleted().forEach((id, n) -> line(out, n, "deleted-server", id));
        state.servers().forEach((id, a) -> {
            a.maintenance().ifPresent(n -> line(out, n, "server", id, "maint"));
            a.drain().ifPresent(n -> line(out, n, "server", id, "drain"));
            a.weight().ifPresent(w -> line(out, w.note(), "server", id, "weight", Integer.toString(w.value())));
            a.address()
                    .ifPresent(x ->
                            line(out, x.note(), "server", id, "addr", x.value().toString()));
            a.maxconn().ifPresent(x -> line(out, x.note(), "server", id, "maxconn", Integer.toString(x.value())));
            a.checkPort().ifPresent(x -> line(out, x.note(), "server", id, "check-port", Integer.toString(x.value())));
        });
        state.backends().forEach((name, p) -> line(out, p.note(), "backend", name, "active-server", p.activeServer()));
        state.frontends().forEach((name, f) -> {
            f.disabled().ifPresent(n -> line(out, n, "frontend", name, "disabled"));
            f.maxconn().ifPresent(c -> line(out, c.note(), "frontend", name, "maxconn", Integer.toString(c.value())));
        });
        state.process().maxconn().ifPresent(c -> line(out, c.note(), "global", "maxconn", Integer.toString(c.value())));
        state.process()
                .connRate()
                .ifPresent(c -> line(out, c.note(), "global", "maxconnrate", Integer.toString(c.value())));
        out.append("end\n");
        return out.toString();
    }

    /**
     * Parses a whole file's text.
     *
     * @throws StateFileException naming the first problem and its line
     */
    public static AdminState parse(String text) throws StateFileException {
        Map<String, Partial> servers = new LinkedHashMap<>();
        Map<String, BackendAdmin> backends = new LinkedHashMap<>();
        Map<String, Integer> seen = new HashMap<>();
        Map<String, AdminState.Added> added = new LinkedHashMap<>();
        Map<String, FrontendPartial> frontends = new LinkedHashMap<>();
        Optional<Count> globalMaxconn = Optional.empty();
        Optional<Count> globalRate = Optional.empty();
        Map<String, Note> deleted = new LinkedHashMap<>();
        Epoch epoch = Epoch.NONE;
        boolean header = false;
        boolean end = false;
        int last = 0;
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            int lineNo = i + 1;
            List<String> w = Words.split(stripCr(lines[i]), lineNo);
            if (w.isEmpty()) {
                continue;
            }
            last = lineNo;
            if (end) {
                throw new StateFileException("line " + lineNo + ": '" + w.get(0) + "' after the 'end' line");
            }
            if (!header) {
                header(w, lineNo);
                header = true;
                continue;
            }
            switch (w.get(0)) {
                case "end" -> {
                    arity(w, 1, 1, lineNo, "end");
                    end = true;
                }
                case "epoch" -> {
                    once(seen, "epoch", lineNo);
                    epoch = epoch(w, lineNo);
                }
                case "server" -> server(w, lineNo, servers, seen);
                case "added-server" -> added(w, lineNo, added, seen);
                case "deleted-server" -> {
                    String id = serverId(w, lineNo, "deleted-server <backend>/<server>");
                    once(seen, "deleted-server " + id, lineNo);
                    deleted.put(id, note(w, 2, lineNo));
                }
                case "backend" -> backend(w, lineNo, backends, seen);
                case "frontend" -> frontend(w, lineNo, frontends, seen);
                case "global" -> {
                    if (w.size() < 3 || !(w.get(1).equals("maxconn") || w.get(1).equals("maxconnrate"))) {
                        throw new StateFileException("line " + lineNo + ": expected global maxconn|maxconnrate <n>");
                    }
                    once(seen, "global " + w.get(1), lineNo);
                    Count c = new Count(number(w.get(2), w.get(1), 1, Integer.MAX_VALUE, lineNo), note(w, 3, lineNo));
                    if (w.get(1).equals("maxconn")) {
                        globalMaxconn = Optional.of(c);
                    } else {
                        globalRate = Optional.of(c);
                    }
                }
                default -> throw new StateFileException("line " + lineNo + ": unknown word '" + w.get(0)
                        + "' (expected epoch, server, added-server, deleted-server, backend, frontend, global or end)");
            }
        }
        if (!header) {
            throw new StateFileException("empty: no '" + MAGIC + " " + VERSION + "' line");
        }
        if (!end) {
            throw new StateFileException("truncated: no 'end' line after line " + last);
        }
        Map<String, ServerAdmin> done = new LinkedHashMap<>();
        servers.forEach((id, p) ->
                done.put(id, new ServerAdmin(p.maint, p.drain, p.weight, p.address, p.maxconn, p.checkPort)));
        Map<String, AdminState.FrontendAdmin> fronts = new LinkedHashMap<>();
        frontends.forEach((name, f) -> fronts.put(name, new AdminState.FrontendAdmin(f.disabled, f.maxconn)));
        return new AdminState(
                done, backends, epoch, added, deleted, fronts, new AdminState.ProcessAdmin(globalMaxconn, globalRate));
    }

    /** {@code epoch <n> [by <name>]}. */
    private static Epoch epoch(List<String> w, int lineNo) throws StateFileException {
        if ((w.size() != 2 && w.size() != 4) || (w.size() == 4 && !w.get(2).equals("by"))) {
            throw new StateFileException("line " + lineNo + ": expected epoch <n> [by <proxy>]");
        }
        try {
            long v = Long.parseLong(w.get(1));
            if (v >= 0) {
                return new Epoch(v, w.size() == 4 ? w.get(3) : "");
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new StateFileException("line " + lineNo + ": epoch '" + w.get(1) + "' is not a whole number >= 0");
    }

    private static void header(List<String> w, int lineNo) throws StateFileException {
        if (!w.get(0).equals(MAGIC)) {
            throw new StateFileException(
                    "line " + lineNo + ": not a state file (expected '" + MAGIC + " " + VERSION + "' first)");
        }
        if (w.size() != 2 || !w.get(1).equals(Integer.toString(VERSION))) {
            throw new StateFileException("line " + lineNo + ": unsupported version '"
                    + String.join(" ", w.subList(1, w.size())) + "' (this build reads version " + VERSION + ")");
        }
    }

    private static void server(List<String> w, int lineNo, Map<String, Partial> servers, Map<String, Integer> seen)
            throws StateFileException {
        if (w.size() < 3) {
            throw new StateFileException(
                    "line " + lineNo
                            + ": expected server <backend/server> maint|drain|weight <n>|addr <ip:port>|maxconn <n>|check-port <n>");
        }
        String id = w.get(1);
        if (ServerRef.parse(id).isEmpty()) {
            throw new StateFileException("line " + lineNo + ": '" + id + "' is not <backend>/<server>");
        }
        String what = w.get(2);
        once(seen, "server " + id + " " + what, lineNo);
        Partial p = servers.computeIfAbsent(id, k -> new Partial());
        switch (what) {
            case "maint" -> p.maint = Optional.of(note(w, 3, lineNo));
            case "drain" -> p.drain = Optional.of(note(w, 3, lineNo));
            case "weight" -> {
                if (w.size() < 4) {
                    throw new StateFileException("line " + lineNo + ": weight needs a value 0..256");
                }
                p.weight = Optional.of(new Weight(weight(w.get(3), lineNo), note(w, 4, lineNo)));
            }
            case "addr" -> {
                if (w.size() < 4) {
                    throw new StateFileException("line " + lineNo + ": addr needs <ip>:<port>");
                }
                HostPort a = IpLiteral.parseHostPort(w.get(3))
                        .orElseThrow(() -> new StateFileException("line " + lineNo + ": addr '" + w.get(3)
                                + "' is not <ip>:<port> (an IP address, not a name; port 1..65535)"));
                p.address = Optional.of(new AdminState.Address(a, note(w, 4, lineNo)));
            }
            case "maxconn" -> p.maxconn =
                    Optional.of(new Count(number(w, "maxconn", 0, Integer.MAX_VALUE, lineNo), note(w, 4, lineNo)));
            case "check-port" -> p.checkPort =
                    Optional.of(new Count(number(w, "check-port", 1, 65535, lineNo), note(w, 4, lineNo)));
            default -> throw new StateFileException("line " + lineNo + ": unknown server setting '" + what
                    + "' (expected maint, drain, weight, addr, maxconn or check-port)");
        }
    }

    private static String[] addedWords(String id, ServerSpec spec) {
        List<String> w =
                new ArrayList<>(List.of("added-server", id, spec.address().toString()));
        if (spec.backup()) {
            w.add("backup");
        }
        if (spec.check()) {
            w.add("check");
        }
        w.add("weight");
        w.add(Integer.toString(spec.weight()));
        if (spec.maxconn() > 0) {
            w.add("maxconn");
            w.add(Integer.toString(spec.maxconn()));
        }
        if (spec.id() > 0) {
            w.add("id");
            w.add(Integer.toString(spec.id()));
        }
        return w.toArray(String[]::new);
    }

    private static String serverId(List<String> w, int lineNo, String form) throws StateFileException {
        if (w.size() < 2) {
            throw new StateFileException("line " + lineNo + ": expected " + form);
        }
        if (ServerRef.parse(w.get(1)).isEmpty()) {
            throw new StateFileException("line " + lineNo + ": '" + w.get(1) + "' is not <backend>/<server>");
        }
        return w.get(1);
    }

    /** {@code added-server <b>/<s> <ip:port> [backup] [check] [weight <n>] [maxconn <n>] [set ...]}. */
    private static void added(
            List<String> w, int lineNo, Map<String, AdminState.Added> added, Map<String, Integer> seen)
            throws StateFileException {
        String form =
                "added-server <backend>/<server> <ip>:<port> [backup] [check] [weight <n>] [maxconn <n>] [id <n>]";
        String id = serverId(w, lineNo, form);
        String name = ServerRef.parse(id).orElseThrow().server();
        if (!ServerName.valid(name)) {
            throw new StateFileException(
                    "line " + lineNo + ": " + ServerName.invalid(name).strip());
        }
        once(seen, "added-server " + id, lineNo);
        if (w.size() < 3) {
            throw new StateFileException("line " + lineNo + ": expected " + form);
        }
        HostPort address = IpLiteral.parseHostPort(w.get(2))
                .orElseThrow(() -> new StateFileException("line " + lineNo + ": address '" + w.get(2)
                        + "' is not <ip>:<port> (an IP address, not a name; port 1..65535)"));
        boolean backup = false;
        boolean check = false;
        int weight = 1;
        int maxconn = 0;
        int sid = 0;
        int i = 3;
        while (i < w.size() && !w.get(i).equals("set")) {
            switch (w.get(i)) {
                case "backup" -> backup = true;
                case "check" -> check = true;
                case "weight" -> {
                    weight = weight(i + 1 < w.size() ? w.get(i + 1) : "", lineNo);
                    i++;
                }
                case "id" -> {
                    sid = number(i + 1 < w.size() ? w.get(i + 1) : "", "id", 1, Integer.MAX_VALUE, lineNo);
                    i++;
                }
                case "maxconn" -> {
                    maxconn = number(i + 1 < w.size() ? w.get(i + 1) : "", "maxconn", 0, Integer.MAX_VALUE, lineNo);
                    i++;
                }
                default -> throw new StateFileException(
                        "line " + lineNo + ": unknown word '" + w.get(i) + "' (expected " + form + ")");
            }
            i++;
        }
        added.put(
                id,
                new AdminState.Added(new ServerSpec(address, backup, check, weight, maxconn, sid), note(w, i, lineNo)));
    }

    private static void backend(
            List<String> w, int lineNo, Map<String, BackendAdmin> backends, Map<String, Integer> seen)
            throws StateFileException {
        if (w.size() < 4 || !w.get(2).equals("active-server")) {
            throw new StateFileException("line " + lineNo + ": expected backend <backend> active-server <server>");
        }
        once(seen, "backend " + w.get(1), lineNo);
        backends.put(w.get(1), new BackendAdmin(w.get(3), note(w, 4, lineNo)));
    }

    /** Rejects a repeated setting: two different weights for one server leave no safe choice. */
    private static void once(Map<String, Integer> seen, String key, int lineNo) throws StateFileException {
        Integer first = seen.putIfAbsent(key, lineNo);
        if (first != null) {
            throw new StateFileException("line " + lineNo + ": '" + key + "' repeats line " + first);
        }
    }

    private static int number(List<String> w, String what, int min, int max, int lineNo) throws StateFileException {
        if (w.size() < 4) {
            throw new StateFileException("line " + lineNo + ": " + what + " needs a value " + min + ".." + max);
        }
        return number(w.get(3), what, min, max, lineNo);
    }

    private static int number(String word, String what, int min, int max, int lineNo) throws StateFileException {
        try {
            int v = Integer.parseInt(word);
            if (v >= min && v <= max) {
                return v;
            }
        } catch (NumberFormatException e) {
            // reported below, with the accepted range
        }
        throw new StateFileException(
                "line " + lineNo + ": " + what + " '" + word + "' is not an integer " + min + ".." + max);
    }

    private static int weight(String word, int lineNo) throws StateFileException {
        try {
            int v = Integer.parseInt(word);
            if (v >= 0 && v <= 256) {
                return v;
            }
        } catch (NumberFormatException e) {
            // reported below, with the accepted range
        }
        throw new StateFileException("line " + lineNo + ": weight '" + word + "' is not an integer 0..256");
    }

    /** The optional {@code set <instant> [reason]} tail starting at word {@code from}. */
    private static Note note(List<String> w, int from, int lineNo) throws StateFileException {
        if (w.size() == from) {
            return Note.UNRECORDED;
        }
        if (!w.get(from).equals("set") || w.size() < from + 2 || w.size() > from + 3) {
            throw new StateFileException("line " + lineNo + ": unexpected '"
                    + String.join(" ", w.subList(from, w.size())) + "' (expected: set <time> \"reason\")");
        }
        Instant at;
        try {
            at = Instant.parse(w.get(from + 1));
        } catch (DateTimeParseException e) {
            throw new StateFileException(
                    "line " + lineNo + ": '" + w.get(from + 1) + "' is not a UTC time like 2026-11-22T01:02:03Z");
        }
        return Note.of(at, w.size() == from + 3 ? w.get(from + 2) : "");
    }

    private static void arity(List<String> w, int min, int max, int lineNo, String what) throws StateFileException {
        if (w.size() < min || w.size() > max) {
            throw new StateFileException("line " + lineNo + ": unexpected words after '" + what + "'");
        }
    }

    private static void line(StringBuilder out, Note note, String... words) {
        for (int i = 0; i < words.length; i++) {
            out.append(i == 0 ? "" : " ").append(Words.quote(words[i]));
        }
        if (note.at().isPresent()) {
            out.append(" set ").append(note.at().get());
            if (!note.reason().isEmpty()) {
                out.append(' ').append(Words.quoteAlways(note.reason()));
            }
        }
        out.append('\n');
    }

    private static String oneLine(String s) {
        return s.replaceAll("[\\r\\n\\t]+", " ");
    }

    private static String stripCr(String line) {
        // Tolerate a file saved by an editor with CRLF line ends.
        return line.endsWith("\r") ? line.substring(0, line.length() - 1) : line;
    }

    /** {@code frontend <name> disabled|maxconn <n>}. */
    private static void frontend(
            List<String> w, int lineNo, Map<String, FrontendPartial> frontends, Map<String, Integer> seen)
            throws StateFileException {
        if (w.size() < 3) {
            throw new StateFileException("line " + lineNo + ": expected frontend <name> disabled|maxconn <n>");
        }
        once(seen, "frontend " + w.get(1) + " " + w.get(2), lineNo);
        FrontendPartial f = frontends.computeIfAbsent(w.get(1), k -> new FrontendPartial());
        switch (w.get(2)) {
            case "disabled" -> f.disabled = Optional.of(note(w, 3, lineNo));
            case "maxconn" -> f.maxconn =
                    Optional.of(new Count(number(w, "maxconn", 1, Integer.MAX_VALUE, lineNo), note(w, 4, lineNo)));
            default -> throw new StateFileException(
                    "line " + lineNo + ": unknown frontend setting '" + w.get(2) + "' (expected disabled or maxconn)");
        }
    }

    /** A frontend's settings while its lines are read. */
    private static final class FrontendPartial {
        Optional<Note> disabled = Optional.empty();
        Optional<Count> maxconn = Optional.empty();
    }

    /** A server's settings while its lines are read. */
    private static final class Partial {
        Optional<Note> maint = Optional.empty();
        Optional<Note> drain = Optional.empty();
        Optional<Weight> weight = Optional.empty();
        Optional<AdminState.Address> address = Optional.empty();
        Optional<Count> maxconn = Optional.empty();
        Optional<Count> checkPort = Optional.empty();
    }

    /** Splitting a line into words and quoting a word back. */
    static final class Words {
        private Words() {}

        static List<String> split(String line, int lineNo) throws StateFileException {
            List<String> words = new ArrayList<>();
            int i = 0;
            int n = line.length();
            while (i < n) {
                char c = line.charAt(i);
                if (c == ' ' || c == '\t') {
                    i++;
                } else if (c == '#') {
                    break;
                } else if (c == '"') {
                    StringBuilder w = new StringBuilder();
                    i = quoted(line, i + 1, w, lineNo);
                    words.add(w.toString());
                } else {
                    int start = i;
                    while (i < n && " \t\"#".indexOf(line.charAt(i)) < 0) {
                        i++;
                    }
                    words.add(line.substring(start, i));
                }
            }
            return words;
        }

        /** Reads a quoted word from just after its opening quote; returns the index after the closing quote. */
        private static int quoted(String line, int i, StringBuilder w, int lineNo) throws StateFileException {
            while (i < line.length()) {
                char c = line.charAt(i++);
                if (c == '"') {
                    return i;
                }
                if (c != '\\') {
                    w.append(c);
                    continue;
                }
                if (i == line.length()) {
                    break;
                }
                char e = line.charAt(i++);
                switch (e) {
                    case 'n' -> w.append('\n');
                    case 'r' -> w.append('\r');
                    case 't' -> w.append('\t');
                    case '"', '\\' -> w.append(e);
                    default -> throw new StateFileException("line " + lineNo + ": unknown escape '\\" + e + "'");
                }
            }
            throw new StateFileException("line " + lineNo + ": unterminated quote");
        }

        /** The word as is when it needs no quotes, so that ordinary names stay plain. */
        static String quote(String word) {
            if (!word.isEmpty() && word.chars().noneMatch(c -> c <= ' ' || c == '"' || c == '#' || c == '\\')) {
                return word;
            }
            return quoteAlways(word);
        }

        static String quoteAlways(String word) {
            StringBuilder q = new StringBuilder(word.length() + 2).append('"');
            for (int i = 0; i < word.length(); i++) {
                char c = word.charAt(i);
                switch (c) {
                    case '"', '\\' -> q.append('\\').append(c);
                    case '\n' -> q.append("\\n");
                    case '\r' -> q.append("\\r");
                    case '\t' -> q.append("\\t");
                        // Other control characters would make the line hard to read and edit; they carry no meaning
                        // here.
                    default -> q.append(c < ' ' ? '?' : c);
                }
            }
            return q.append('"').toString();
        }
    }
}
