/**
 * The resolvers (HAProxy's {@code resolvers} section, simply): servers given by host name are resolved again every
 * {@code global.resolve-interval}, off the event loops, and a new address becomes a model command.
 */
package io.understudy.core.resolvers;
