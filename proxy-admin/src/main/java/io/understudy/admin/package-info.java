/**
 * The operator's side of the proxy: the HAProxy-compatible admin socket ({@code cli}, {@code command}), the
 * {@code show stat} model and CSV ({@code stats}), the persistent admin state file ({@code state}) and Prometheus
 * metrics ({@code metrics}). Everything here reads the core's snapshots and counters and changes state only through
 * the control plane.
 */
package io.understudy.admin;
