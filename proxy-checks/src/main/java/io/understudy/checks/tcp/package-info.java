/**
 * The TCP health check, and the connect step every network check shares: one way to open a check connection and one
 * mapping from connect failures to HAProxy's layer-4 statuses.
 */
package io.understudy.checks.tcp;
