#!/usr/bin/env bash
# Runs Understudy as the candidate proxy of ../shared/tools/bench-peers.sh: listens on $BENCH_LISTEN_HOST:$BENCH_LISTEN_PORT
# and forwards to $BENCH_UPSTREAM_HOST:$BENCH_UPSTREAM_PORT, in the foreground, with a mysql-check like the harness's
# HAProxy (user haproxy, inter 1s). Build first: mvn -q -DskipTests package.
# Not for the harness's iperf test (CANDIDATE_IPERF): Understudy counts a server connection as made when the MySQL
# greeting arrives, and an iperf3 server never speaks first.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
conf_dir="$(mktemp -d)"
trap 'rm -rf "$conf_dir"' EXIT
conf="$conf_dir/understudy.conf"
cat > "$conf" <<CONF
global.io-threads = ${UNDERSTUDY_IO_THREADS:-1}
listen.bench {
  bind = "${BENCH_LISTEN_HOST:-127.0.0.1}:${BENCH_LISTEN_PORT}"
  maxconn = 10000
  timeout { client = 1h, server = 1h }
  check { type = mysql, user = haproxy, inter = 1s }
  servers = [ { name = db, address = "${BENCH_UPSTREAM_HOST}:${BENCH_UPSTREAM_PORT}" } ]
}
CONF
export JAVA_OPTS="${JAVA_OPTS:--Xms64m -Xmx256m} -Dunderstudy.session.log=WARN"
# Not exec: this shell stays to remove the config when the proxy ends, and passes the harness's TERM on.
"$here/bin/understudy" -c "$conf" &
pid=$!
trap 'kill -TERM "$pid" 2>/dev/null' TERM INT
wait "$pid" || true
wait "$pid" 2>/dev/null || true
