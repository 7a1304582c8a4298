/**
 * The listening side: {@link io.understudy.core.frontend.FrontendListener} binds, and one
 * {@link io.understudy.core.frontend.FrontendHandler} per client connection picks a server and connects to it on the
 * client's own event loop.
 */
package io.understudy.core.frontend;
