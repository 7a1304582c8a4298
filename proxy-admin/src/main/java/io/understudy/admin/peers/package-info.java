/**
 * The pair: two proxies behind a keepalived virtual IP that agree on the operators' decisions and on where the writer
 * is. Each proxy dials the other and sends its whole admin state (the state file's format, with its epoch) when it
 * changes and every {@code peers.interval}; every message is signed with HMAC-SHA256 over the receiver's per-connection
 * challenge, so that a message from an old connection or a proxy without the secret is refused. A received state is
 * adopted when its epoch is higher, through the control plane, with origin {@code peer}. See docs/pair.md.
 */
package io.understudy.admin.peers;
