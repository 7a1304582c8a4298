/**
 * The launcher and composition root: the command line ({@link io.understudy.server.Main}), the wiring of core, checks,
 * admin and metrics ({@link io.understudy.server.Understudy}), signals and exit codes.
 */
package io.understudy.server;
