/** The choice of Netty transport: native epoll where available, NIO otherwise. */
package io.understudy.core.transport;
