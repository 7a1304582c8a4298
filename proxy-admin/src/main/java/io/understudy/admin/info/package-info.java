/** Process-wide figures with HAProxy's {@code show info} keys, shared by the admin socket and the exporter. */
package io.understudy.admin.info;
