package io.understudy.core.config;

import java.time.Duration;

/**
 * Process-wide settings ({@code global { ... }}).
 *
 * @param hardStopAfter on SIGTERM/SIGINT, how long established sessions may go on after the listeners are closed
 *     before they are cut (HAProxy's {@code hard-stop-after})
 * @param ioThreads event-loop threads; 0 means one per available core
 */
public record GlobalConfig(Duration hardStopAfter, int ioThreads) {}
