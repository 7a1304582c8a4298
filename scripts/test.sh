#!/usr/bin/env bash
# Runs Understudy's whole test suite on a Debian machine with Java 17 and Maven, installing what the tests need
# (real MariaDB server and client, socat, HAProxy, Prometheus, keepalived, curl, nftables, systemd-analyze) when it
# is missing. Extra arguments go to Maven, e.g.
#   scripts/test.sh -Dit.test=FailoverIT
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

need=()
command -v mariadbd >/dev/null 2>&1 || [[ -x /usr/sbin/mariadbd ]] || need+=(mariadb-server)
command -v mariadb >/dev/null 2>&1 || need+=(mariadb-client)
command -v socat >/dev/null 2>&1 || need+=(socat)
# The admin-socket parity tests run the real HAProxy side by side; the metrics tests use promtool and Prometheus.
command -v haproxy >/dev/null 2>&1 || [[ -x /usr/sbin/haproxy ]] || need+=(haproxy)
command -v promtool >/dev/null 2>&1 || need+=(prometheus)
command -v ss >/dev/null 2>&1 || need+=(iproute2)
command -v pgrep >/dev/null 2>&1 || need+=(procps)
# The pair tests run real keepalived in network namespaces; the health hook is curl.
command -v keepalived >/dev/null 2>&1 || [[ -x /usr/sbin/keepalived ]] || need+=(keepalived)
command -v curl >/dev/null 2>&1 || need+=(curl)
# The network-fault tests drop packets with nftables in a namespace of their own.
command -v nft >/dev/null 2>&1 || [[ -x /usr/sbin/nft ]] || need+=(nftables)
# The packaging tests verify the systemd unit with systemd-analyze (systemd need not be running) and install the .deb,
# whose postinst runs adduser.
command -v systemd-analyze >/dev/null 2>&1 || need+=(systemd)
command -v adduser >/dev/null 2>&1 || [[ -x /usr/sbin/adduser ]] || need+=(adduser)

if ((${#need[@]})); then
  if [[ $(id -u) -ne 0 ]]; then
    echo "test.sh: missing packages: ${need[*]}; run as root or: sudo apt-get install -y ${need[*]}" >&2
    exit 1
  fi
  echo "test.sh: installing ${need[*]}"
  apt-get update -qq
  # The package's own service must not start: the tests run their own mariadbd processes on free ports.
  DEBIAN_FRONTEND=noninteractive RUNLEVEL=1 apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

# The pair and network-fault tests build network namespaces, and the packaging test installs the .deb: root.
if [[ $(id -u) -ne 0 ]]; then
  echo "test.sh: the suite runs as root (network namespaces, nftables, dpkg -i); run it with sudo" >&2
  exit 1
fi
command -v dpkg >/dev/null 2>&1 || { echo "test.sh: dpkg not found: the suite runs on Debian" >&2; exit 1; }

for tool in java mvn; do
  command -v "$tool" >/dev/null 2>&1 || { echo "test.sh: $tool not found (Java 17 and Maven are required)" >&2; exit 1; }
done

exec mvn -B -ntp verify "$@"
