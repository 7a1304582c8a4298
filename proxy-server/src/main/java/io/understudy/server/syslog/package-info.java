/**
 * Syslog output ({@code global.log}): the session and state lines framed as HAProxy frames them (RFC 3164, no host
 * name) and sent to UDP addresses or Unix datagram sockets such as {@code /dev/log}, wired into logback at start.
 */
package io.understudy.server.syslog;
