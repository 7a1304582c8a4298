/**
 * The admin socket's transport: {@link io.understudy.admin.cli.AdminServer} binds the configured Unix sockets (with
 * their mode, owner and level), and each connection speaks HAProxy's CLI framing ({@link
 * io.understudy.admin.cli.CliHandler}): one request line per connection unless {@code prompt} made it interactive,
 * {@code ;}-separated commands, every reply followed by an empty line. The commands themselves live in {@code
 * io.understudy.admin.command}. Everything runs on one small event loop of its own, which never blocks: commands that
 * wait for the control plane complete later and their reply is written then.
 */
package io.understudy.admin.cli;
