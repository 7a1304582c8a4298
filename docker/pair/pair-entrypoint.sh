#!/bin/bash
# Entry point of a pair container: Understudy (as user understudy) and keepalived (as root, NET_ADMIN) side by side.
# keepalived.conf is written from the environment at each start:
#   VRRP_PRIORITY      this node's priority (the first node up wins the first election; nopreempt keeps it there)
#   VRRP_PEER          the other container's address, for unicast VRRP (docker networks may drop multicast)
#   VIP                the virtual IP with its prefix, e.g. 172.28.0.100/24
#   VRRP_INTERFACE     default eth0
#   VRRP_ROUTER_ID     default 51 (unique per VIP on the network)
# The container stops when either process stops, so that the orchestrator restarts it whole; SIGTERM stops both
# (keepalived first: it hands the VIP over at once, then the proxy drains for hard-stop-after).
set -euo pipefail
: "${VRRP_PRIORITY:?set VRRP_PRIORITY}" "${VRRP_PEER:?set VRRP_PEER}" "${VIP:?set VIP}"
iface="${VRRP_INTERFACE:-eth0}"
me="$(ip -4 -o addr show dev "$iface" | awk '{print $4}' | cut -d/ -f1 | head -n1)"
mkdir -p /etc/keepalived
cat > /etc/keepalived/keepalived.conf <<CONF
global_defs {
  router_id ${PEER_LOCAL:-understudy}
  script_user root
  enable_script_security
}
vrrp_script chk_understudy {
  script "/opt/understudy/bin/understudy health http://127.0.0.1:8404/health"
  interval 1
  timeout 1
  fall 1
  rise 2
  weight 0
}
vrrp_instance understudy {
  state BACKUP
  nopreempt
  interface ${iface}
  virtual_router_id ${VRRP_ROUTER_ID:-51}
  priority ${VRRP_PRIORITY}
  version 3
  advert_int 0.1
  unicast_src_ip ${me}
  unicast_peer {
    ${VRRP_PEER}
  }
  virtual_ipaddress {
    ${VIP} dev ${iface}
  }
  track_script {
    chk_understudy
  }
  notify "/usr/local/lib/understudy/understudy-notify.sh"
}
CONF
keepalived -t -f /etc/keepalived/keepalived.conf

# JAVA_OPTS holds several options: split on purpose.
# shellcheck disable=SC2086
setpriv --reuid=understudy --regid=understudy --init-groups \
  java -XX:+UseSerialGC -Xss512k -Xmx256m -XX:MaxDirectMemorySize=512m ${JAVA_OPTS:-} -jar /opt/understudy/understudy.jar -c /etc/understudy/pair.conf &
proxy=$!
rm -f /run/keepalived.pid /run/vrrp.pid
keepalived --dont-fork --log-console --vrrp -f /etc/keepalived/keepalived.conf &
vrrp=$!

stop() {
  kill -TERM "$vrrp" 2>/dev/null || true
  wait "$vrrp" 2>/dev/null || true
  kill -TERM "$proxy" 2>/dev/null || true
}
trap stop TERM INT
# Whichever ends first ends the container.
set +e
wait -n "$proxy" "$vrrp"
code=$?
stop
wait
exit "$code"
