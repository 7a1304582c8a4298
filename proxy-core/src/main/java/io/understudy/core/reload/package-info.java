/** Reloading the configuration in place: read and check the file whole, then apply it as one model command. */
package io.understudy.core.reload;
