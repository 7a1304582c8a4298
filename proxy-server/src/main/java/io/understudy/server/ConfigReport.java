package io.understudy.server;

import io.understudy.core.config.ConfigException;
import io.understudy.core.config.ConfigProblem;
import java.io.PrintWriter;
import java.nio.file.Path;

/** Prints a refused configuration for the operator: a count, then one line per problem. */
final class ConfigReport {
    private ConfigReport() {}

    static void print(PrintWriter err, Path file, ConfigException e) {
        int n = e.problems().size();
        err.println("understudy: configuration " + file + " is invalid (" + n + (n == 1 ? " problem" : " problems")
                + "); nothing was started:");
        for (ConfigProblem p : e.problems()) {
            err.println("  " + p.describe());
        }
    }
}
