#!/bin/sh
# keepalived's notify script for Understudy: tells the proxy its VRRP state, so that only the MASTER (the proxy
# holding the virtual IP) decides where the pair's writer is, and the other follows it.
# keepalived calls it as: understudy-notify.sh <INSTANCE|GROUP> <name> <MASTER|BACKUP|FAULT|STOP> <priority>
# The admin socket is the one of admin.sockets with level admin (default below); override with UNDERSTUDY_ADMIN_SOCKET
# or a fifth argument. keepalived runs it as script_user (root here); it must not be writable by anyone else.
state="$3"
sock="${5:-${UNDERSTUDY_ADMIN_SOCKET:-/run/understudy/admin.sock}}"
case "$state" in
  MASTER|BACKUP|FAULT|STOP) ;;
  *) echo "understudy-notify: unknown state '$state'" >&2; exit 2 ;;
esac
# socat answers with the proxy's reply: empty on success, one line saying why otherwise.
reply="$(echo "set vrrp state $state" | socat -t 2 stdio "unix-connect:$sock" 2>&1)"
if [ -n "$reply" ]; then
  echo "understudy-notify: set vrrp state $state on $sock: $reply" >&2
  logger -t understudy-notify "set vrrp state $state on $sock: $reply" 2>/dev/null
  exit 1
fi
exit 0
