#!/usr/bin/env bash
# The failover soak (issue 15): writers through the proxy for MINUTES (default 30) with a fault on the primary every
# minute (kill -9, SIGSTOP, blackhole in turn), sampling the proxy's RSS, threads, descriptors and direct memory every
# 10 s. Needs root (network namespaces, nftables) on a Debian machine with Java 17 and Maven; installs what it lacks.
# Writes target/soak/{soak.csv,summary.txt} under proxy-server and plots docs/soak.svg.
#   scripts/soak.sh [MINUTES]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
minutes="${1:-30}"

need=()
command -v gnuplot >/dev/null 2>&1 || need+=(gnuplot-nox)
command -v nft >/dev/null 2>&1 || [[ -x /usr/sbin/nft ]] || need+=(nftables)
command -v mariadbd >/dev/null 2>&1 || [[ -x /usr/sbin/mariadbd ]] || need+=(mariadb-server)
command -v mariadb >/dev/null 2>&1 || need+=(mariadb-client)
command -v socat >/dev/null 2>&1 || need+=(socat)
command -v curl >/dev/null 2>&1 || need+=(curl)
command -v ss >/dev/null 2>&1 || need+=(iproute2)
if ((${#need[@]})); then
  [[ $(id -u) -eq 0 ]] || { echo "soak.sh: missing ${need[*]}; run as root" >&2; exit 1; }
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive RUNLEVEL=1 apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

mvn -B -ntp -q -DskipTests install
status=0
mvn -B -ntp verify -pl proxy-server -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false \
  -Dit.test=SoakIT -Dit.excludedGroups= -Dfailsafe.failIfNoSpecifiedTests=false -Dsoak.minutes="$minutes" || status=$?

csv=proxy-server/target/soak/soak.csv
gnuplot <<GNUPLOT
set datafile separator ","
set terminal svg size 1000,800 dynamic font "sans,11"
set output "docs/soak.svg"
set multiplot layout 4,1 title "Understudy failover soak: ${minutes} min, a fault on the primary every minute (kill -9, SIGSTOP, blackhole)"
set xlabel "seconds"
set key off
set grid
set ylabel "RSS (MiB)"
plot "$csv" every ::1 using 1:(\$2/1024) with lines lw 2
set ylabel "threads"
plot "$csv" every ::1 using 1:3 with lines lw 2
set ylabel "descriptors"
plot "$csv" every ::1 using 1:4 with lines lw 2
set ylabel "direct (MiB)"
plot "$csv" every ::1 using 1:(\$5/1048576) with lines lw 2
unset multiplot
GNUPLOT
# The samples are plotted whatever the verdict: a failed soak is the one whose plot is needed.
cat proxy-server/target/soak/summary.txt || true
echo "plot: docs/soak.svg; soak test exit status $status"
exit "$status"
