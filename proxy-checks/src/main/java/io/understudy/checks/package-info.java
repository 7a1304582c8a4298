/**
 * Active health checks: {@link io.understudy.checks.Check} implementations (TCP, MySQL handshake, SQL), their
 * {@link io.understudy.checks.CheckResult}s with HAProxy's status codes, the rise/fall health counter and the
 * scheduler that feeds results to the control plane.
 */
package io.understudy.checks;
