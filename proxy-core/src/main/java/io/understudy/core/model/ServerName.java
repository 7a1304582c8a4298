package io.understudy.core.model;

import java.util.regex.Pattern;

/**
 * What a server may be called: the config's rule (letters, digits, {@code _ . -}), also for servers added at runtime,
 * so that {@code backend/server} addressing, {@code #id} lookups and {@code show stat}'s CSV never meet a name that
 * breaks them.
 */
public final class ServerName {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.-]+");

    private ServerName() {}

    public static boolean valid(String name) {
        return NAME.matcher(name).matches();
    }

    /** The refusal for an invalid name, ending with a line end. */
    public static String invalid(String name) {
        return "invalid server name '" + name + "': use letters, digits, '_', '.' and '-' only\n";
    }
}
