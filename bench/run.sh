#!/usr/bin/env bash
# Understudy's side-by-side benchmark: a throwaway MariaDB on loopback, then a direct connection, HAProxy (Debian's
# package, mode tcp, mysql-check), nginx stream and Understudy (the packaged launcher, its default JVM options),
# measured interleaved; see bench/README.md for what it measures and how to read the table.
#
#   bench/run.sh            full run (about 25 minutes on 2 cores): 1 and 2 I/O threads, failover under load
#   bench/run.sh --quick    smoke run, under 3 minutes: 1 I/O thread, short runs, no failover
#   bench/run.sh --help     every option (repeats, durations, tests, output directory)
#
# Needs root (it installs what is missing with apt-get, raises file limits, runs mariadbd as root and resets the peak
# RSS counters through /proc/PID/clear_refs). Builds the project first when its launcher has nothing to run.
# Every process it starts is stopped and its temp dir removed, also on failure or Ctrl-C; results stay in
# bench/results/<timestamp>/ (table.md, runs.csv, logs).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

if [[ "$(id -u)" != 0 ]]; then
  echo "bench/run.sh: needs root (apt-get, mariadbd --user=root, /proc/PID/clear_refs); run it with sudo" >&2
  exit 2
fi

need=()
for pair in mariadbd:mariadb-server mariadb:mariadb-client haproxy:haproxy sysbench:sysbench iperf3:iperf3 \
  nginx:nginx-light python3:python3 ps:procps; do
  command -v "${pair%%:*}" >/dev/null 2>&1 || need+=("${pair#*:}")
done
[[ -f /usr/lib/nginx/modules/ngx_stream_module.so ]] || need+=(libnginx-mod-stream)
if ((${#need[@]})); then
  echo "bench/run.sh: installing ${need[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q >/dev/null
  # Debian starts a freshly installed service when it can; the benchmark starts its own copies on other ports.
  printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d.understudy-bench
  if [[ ! -e /usr/sbin/policy-rc.d ]]; then
    cp /usr/sbin/policy-rc.d.understudy-bench /usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d
    trap 'rm -f /usr/sbin/policy-rc.d' EXIT
  fi
  rm -f /usr/sbin/policy-rc.d.understudy-bench
  apt-get install -y -q "${need[@]}" >/dev/null
  rm -f /usr/sbin/policy-rc.d
  trap - EXIT
fi

# The failover part runs bench's FailoverBench, which needs the bench module and its classpath.
if [[ ! -f "$here/proxy-server/target/understudy.jar" || ! -f "$here/bench/target/classpath.txt" ]]; then
  echo "bench/run.sh: building Understudy (mvn -DskipTests package)" >&2
  (cd "$here" && mvn -B -ntp -q -DskipTests package \
    dependency:build-classpath -Dmdep.outputFile=target/classpath.txt -Dmdep.includeScope=runtime)
fi

PY=/usr/bin/python3
[[ -x "$PY" ]] || PY=python3
exec "$PY" "$here/bench/scripts/bench.py" --root "$here" "$@"
