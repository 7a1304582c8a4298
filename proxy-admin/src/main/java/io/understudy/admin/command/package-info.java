/**
 * The admin socket's commands, HAProxy's CLI vocabulary: one class per verb behind a sealed {@link
 * io.understudy.admin.command.Command}, looked up by {@link io.understudy.admin.command.CommandRegistry} from the
 * command's first words, each with the lowest {@link io.understudy.core.config.AdminSocketConfig.Level} allowed to run
 * it. Commands read the core's published snapshots and change state only through the control plane; anything that
 * waits returns a future so that the socket's event loop never blocks. Texts meant to be byte-identical to HAProxy's
 * are in {@link io.understudy.admin.command.CliMessages}.
 */
package io.understudy.admin.command;
