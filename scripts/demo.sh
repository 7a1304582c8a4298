#!/usr/bin/env bash
# Try Understudy on one machine: two throw-away MariaDB servers (a Primary and a Secondary that replicates from it)
# with the proxy in front, all on 127.0.0.1, all in one temp dir that is removed again on exit.
#
#   scripts/demo.sh                                  proxy on 3306, Primary on 13306, Secondary on 13307
#   DEMO_PROXY_PORT=3310 scripts/demo.sh             another proxy port (likewise DEMO_PRIMARY_PORT,
#                                                    DEMO_SECONDARY_PORT)
#   DEMO_SKIP_BUILD=1 scripts/demo.sh                use proxy-server/target/understudy.jar as it is
#
# Stop it with Ctrl-C (or SIGTERM): the proxy and both servers are stopped and the temp dir is deleted, also when
# the demo fails half-way. Needs Java 17 and Maven; installs mariadb-server/mariadb-client with apt-get if missing.
# See docs/demo.md.
set -Eeuo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
jar="$repo/proxy-server/target/understudy.jar"

primary_port="${DEMO_PRIMARY_PORT:-13306}"
secondary_port="${DEMO_SECONDARY_PORT:-13307}"
proxy_port="${DEMO_PROXY_PORT:-3306}"

# Seconds to wait for each step (a server or the proxy coming up, replication connecting).
readonly step_timeout=90

# mariadbd and mariadb-install-db live in /usr/sbin and /usr/bin on Debian; /usr/sbin is often not in a user's PATH.
PATH="$PATH:/usr/local/sbin:/usr/sbin:/sbin"

# Set as things get started, so that cleanup knows what to stop.
work=""
primary_pid=""
secondary_pid=""
proxy_pid=""
tail_pid=""

say() { printf 'demo: %s\n' "$*"; }
die() {
  printf 'demo: error: %s\n' "$*" >&2
  exit 1
}

# Functions marked "shellcheck disable=SC2317" run from traps, which shellcheck 0.9 does not follow ("unreachable").

# An unexpected failure (set -e) names the command and line, so it is not a silent exit. Subshells ($(...)) stay
# quiet: their caller fails too and reports it.
# shellcheck disable=SC2317
on_error() {
  if ((BASH_SUBSHELL == 0)); then
    printf 'demo: error: line %s: "%s" failed (exit code %s)\n' "$1" "$2" "$3" >&2
  fi
}
trap 'on_error "$LINENO" "$BASH_COMMAND" "$?"' ERR

# Whether a pid is a live process (a zombie, dead but not yet reaped, does not count).
alive() {
  local pid="$1" stat
  [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null || return 1
  stat="$(cat "/proc/$pid/stat" 2>/dev/null)" || return 1
  stat="${stat##*) }"
  [[ "${stat%% *}" != Z ]]
}

# Waits up to $2 seconds for pid $1 to end; returns 1 if it is still alive.
# shellcheck disable=SC2317
await_exit() {
  local pid="$1" deadline=$((SECONDS + $2))
  while alive "$pid"; do
    ((SECONDS < deadline)) || return 1
    sleep 0.1
  done
}

# Stops one of our child processes: SIGTERM (a clean shutdown), SIGKILL after $3 seconds, then reaps it.
# shellcheck disable=SC2317
stop_process() {
  local what="$1" pid="$2" grace="$3"
  [[ -n "$pid" ]] || return 0
  if alive "$pid"; then
    kill -TERM "$pid" 2>/dev/null || true
    if ! await_exit "$pid" "$grace"; then
      say "$what (pid $pid) did not stop within ${grace}s; killing it"
      kill -KILL "$pid" 2>/dev/null || true
    fi
  fi
  wait "$pid" 2>/dev/null || true
}

# Pids of processes (other than this shell) whose command line mentions the temp dir.
# shellcheck disable=SC2317
processes_using_work() {
  local dir cmdline
  for dir in /proc/[0-9]*; do
    [[ "${dir#/proc/}" != "$$" ]] || continue
    cmdline="$(tr '\0' ' ' 2>/dev/null <"$dir/cmdline")" || continue
    [[ "$cmdline" == *"$work"* ]] && printf '%s\n' "${dir#/proc/}"
  done
  return 0
}

# Runs on every exit: normal, error, Ctrl-C or SIGTERM. Stops everything this script started and deletes the
# temp dir. Signals are ignored meanwhile so that an impatient second Ctrl-C cannot leave half of it behind.
# shellcheck disable=SC2317
cleanup() {
  local status=$?
  trap '' INT TERM
  trap - ERR
  set +e
  [[ -n "$work" ]] || exit "$status"
  say "stopping..."
  # The proxy closes its listener at once and gives open sessions hard-stop-after (2s) to finish.
  stop_process "understudy" "$proxy_pid" 15
  # tail follows the proxy's log until the proxy has gone (--pid), so its last lines are shown too.
  [[ -n "$tail_pid" ]] && await_exit "$tail_pid" 2
  stop_process "tail" "$tail_pid" 1
  # Both servers shut down in parallel; an InnoDB shutdown with a small buffer pool takes about a second.
  [[ -n "$primary_pid" ]] && kill -TERM "$primary_pid" 2>/dev/null
  [[ -n "$secondary_pid" ]] && kill -TERM "$secondary_pid" 2>/dev/null
  stop_process "mariadbd Primary" "$primary_pid" 30
  stop_process "mariadbd Secondary" "$secondary_pid" 30
  # Anything else still running from the temp dir (e.g. a bootstrap interrupted by SIGKILL of its parent).
  local pid
  for pid in $(processes_using_work); do
    say "killing leftover process $pid: $(tr '\0' ' ' 2>/dev/null <"/proc/$pid/cmdline")"
    kill -KILL "$pid" 2>/dev/null
  done
  rm -rf -- "$work"
  say "stopped everything and removed $work"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# --- 1. Check the settings and what is installed -------------------------------------------------------------

check_port_number() {
  local name="$1" value="$2"
  if ! [[ "$value" =~ ^[0-9]+$ ]] || ((value < 1 || value > 65535)); then
    die "$name=$value is not a TCP port (1-65535)"
  fi
}
check_port_number DEMO_PRIMARY_PORT "$primary_port"
check_port_number DEMO_SECONDARY_PORT "$secondary_port"
check_port_number DEMO_PROXY_PORT "$proxy_port"
if ((primary_port == secondary_port || primary_port == proxy_port || secondary_port == proxy_port)); then
  die "the three ports must differ: DEMO_PRIMARY_PORT=$primary_port DEMO_SECONDARY_PORT=$secondary_port" \
    "DEMO_PROXY_PORT=$proxy_port"
fi

# Installs the MariaDB packages that are missing (only those; apt-get update once, only if installing).
install_missing_packages() {
  local missing=()
  if ! command -v mariadbd >/dev/null || ! command -v mariadb-install-db >/dev/null; then
    missing+=(mariadb-server)
  fi
  command -v mariadb >/dev/null || missing+=(mariadb-client)
  ((${#missing[@]} > 0)) || return 0
  if ((EUID != 0)); then
    die "missing packages: ${missing[*]}. Install them first: sudo apt-get install -y ${missing[*]}" \
      "(or run this script as root and it installs them)"
  fi
  command -v apt-get >/dev/null || die "missing ${missing[*]} and there is no apt-get to install them with"
  say "installing ${missing[*]} with apt-get"
  apt-get update -q
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}"
}
install_missing_packages

command -v "${JAVA_HOME:+$JAVA_HOME/bin/}java" >/dev/null || die "java not found: install Java 17 (or set JAVA_HOME)"

# Builds the proxy if the jar (or its lib/ directory) is missing or older than any source file or pom.xml.
build_if_needed() {
  if [[ "${DEMO_SKIP_BUILD:-0}" == 1 ]]; then
    [[ -f "$jar" ]] || die "DEMO_SKIP_BUILD=1 but $jar does not exist"
    return 0
  fi
  local reason=""
  if [[ ! -f "$jar" || ! -d "$repo/proxy-server/target/lib" ]]; then
    reason="the jar is missing"
  else
    local newer
    newer="$(find "$repo" \( -name target -o -name .git \) -prune -o -type f \
      \( -path '*/src/main/*' -o -name pom.xml \) -newer "$jar" -print -quit)"
    [[ -z "$newer" ]] || reason="${newer#"$repo"/} is newer than the jar"
  fi
  [[ -n "$reason" ]] || return 0
  command -v mvn >/dev/null || die "Maven (mvn) not found, and the proxy must be built ($reason)"
  say "building the proxy ($reason): mvn -q -DskipTests package"
  # Maven 3.8 prints stray colour codes even in quiet batch mode; sed drops them from the output.
  (cd "$repo" && mvn -B -q -DskipTests package 2>&1) | sed $'s/\e\\[[0-9;]*m//g' ||
    die "the build failed; see Maven's output above"
}
build_if_needed

# Says which port is taken and, if ss can tell (as root), by whom.
port_in_use() {
  if command -v ss >/dev/null; then
    [[ -n "$(ss -Hltn "sport = :$1")" ]]
  else
    # Without ss: try to connect on loopback.
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
  fi
}
check_port_free() {
  local name="$1" port="$2" who=""
  port_in_use "$port" || return 0
  command -v ss >/dev/null && who="$(ss -Hltnp "sport = :$port" | grep -o 'users:.*' | head -n 1 || true)"
  die "port $port ($name) is already in use${who:+ by $who}. Stop that program or choose another port, e.g." \
    "$name=$((port + 10)) $0"
}
check_port_free DEMO_PRIMARY_PORT "$primary_port"
check_port_free DEMO_SECONDARY_PORT "$secondary_port"
check_port_free DEMO_PROXY_PORT "$proxy_port"

started_at="${EPOCHREALTIME//[.,]/}"
work="$(mktemp -d -t understudy-demo.XXXXXX)"
say "demo files: $work (removed on exit)"

# --- 2. Two MariaDB servers -------------------------------------------------------------------------------------

# mariadbd refuses to run as root unless told to.
user_args=()
((EUID != 0)) || user_args=(--user=root)
# Small InnoDB files and buffers: starts in about a second. The data is thrown away at exit.
layout_args=(--innodb-log-file-size=8M --innodb-buffer-pool-size=32M --innodb-use-native-aio=0)

# One datadir is initialised (the slow part, a few seconds) and copied for both servers. The accounts and the demo
# database are created before any binlog exists, so the Secondary does not try to replicate them a second time.
make_template() {
  local data="$work/template"
  say "initialising a MariaDB datadir"
  if ! mariadb-install-db --no-defaults --auth-root-authentication-method=normal --skip-test-db \
    --skip-name-resolve --datadir="$data" "${user_args[@]}" "${layout_args[@]}" >"$work/install-db.log" 2>&1; then
    tail -n 20 "$work/install-db.log" >&2
    die "mariadb-install-db failed (log above)"
  fi
  # Bootstrap mode runs SQL from stdin without networking. FLUSH PRIVILEGES loads the grant tables first.
  if ! mariadbd --no-defaults --bootstrap --datadir="$data" "${user_args[@]}" "${layout_args[@]}" \
    >"$work/bootstrap.log" 2>&1 <<'SQL'; then
DELETE FROM mysql.global_priv WHERE User = '';
FLUSH PRIVILEGES;
CREATE USER 'app'@'%' IDENTIFIED BY 'app';
GRANT ALL PRIVILEGES ON *.* TO 'app'@'%';
CREATE USER 'repl'@'127.0.0.1' IDENTIFIED BY 'repl';
GRANT REPLICATION SLAVE, SLAVE MONITOR ON *.* TO 'repl'@'127.0.0.1';
CREATE USER 'haproxy'@'%';
CREATE DATABASE demo;
SQL
    tail -n 20 "$work/bootstrap.log" >&2
    die "creating the demo accounts failed (log above)"
  fi
}

# Writes the server's my.cnf and starts mariadbd in the background; sets the pid variable named by $4.
start_server() {
  local name="$1" server_id="$2" port="$3" pid_var="$4"
  local dir="$work/$name"
  mkdir -p "$dir/tmp"
  cp -a "$work/template" "$dir/data"
  # log_basename comes first: it sets the default names of the logs, which the lines after it override.
  cat >"$dir/my.cnf" <<EOF
[mariadbd]
log_basename = $name
datadir = $dir/data
port = $port
bind_address = 127.0.0.1
socket = $dir/mysqld.sock
pid_file = $dir/mariadbd.pid
log_error = $dir/error.log
tmpdir = $dir/tmp
skip_name_resolve
server_id = $server_id
# Each server writes its own GTID domain, and replicated writes go to the binlog too (so either can be a source).
gtid_domain_id = $server_id
log_bin = $name-bin
log_slave_updates
# Notice a dead Primary within seconds.
slave_net_timeout = 10
innodb_log_file_size = 8M
innodb_buffer_pool_size = 32M
innodb_use_native_aio = 0
# Demo data is disposable: no fsync.
innodb_flush_log_at_trx_commit = 2
sync_binlog = 0
performance_schema = OFF
character_set_server = utf8mb4
collation_server = utf8mb4_general_ci
EOF
  if ((EUID == 0)); then
    echo "user = root" >>"$dir/my.cnf"
  fi
  mariadbd --defaults-file="$dir/my.cnf" >"$dir/mariadbd.out" 2>&1 </dev/null &
  printf -v "$pid_var" '%s' "$!"
}

# Runs SQL as root over the server's Unix socket.
sql() {
  local name="$1"
  shift
  mariadb --no-defaults --socket="$work/$name/mysqld.sock" -u root --batch "$@"
}

# Waits until the server answers a query; on failure shows its error log.
await_server() {
  local name="$1" pid="$2" deadline=$((SECONDS + step_timeout))
  until sql "$name" -e 'SELECT 1' >/dev/null 2>&1; do
    if ! alive "$pid" || ((SECONDS >= deadline)); then
      tail -n 25 "$work/$name/error.log" >&2 2>/dev/null || true
      die "mariadbd $name did not start (error log above: $work/$name/error.log)"
    fi
    sleep 0.2
  done
}

make_template
say "starting MariaDB Primary on 127.0.0.1:$primary_port and Secondary on 127.0.0.1:$secondary_port"
start_server primary 1 "$primary_port" primary_pid
start_server secondary 2 "$secondary_port" secondary_pid
await_server primary "$primary_pid"
await_server secondary "$secondary_pid"

# The Secondary follows the Primary by GTID; it retries the connection every second if the Primary goes away.
sql secondary -e "CHANGE MASTER TO MASTER_HOST='127.0.0.1', MASTER_PORT=$primary_port, MASTER_USER='repl',
  MASTER_PASSWORD='repl', MASTER_USE_GTID=slave_pos, MASTER_CONNECT_RETRY=1; START SLAVE;"
deadline=$((SECONDS + step_timeout))
until [[ "$(sql secondary -e 'SHOW SLAVE STATUS\G' | grep -cE 'Slave_(IO|SQL)_Running: Yes')" == 2 ]]; do
  if ((SECONDS >= deadline)); then
    sql secondary -e 'SHOW SLAVE STATUS\G' | grep -E 'Running|Error' >&2 || true
    die "replication from Primary to Secondary did not start"
  fi
  sleep 0.2
done

# --- 3. The proxy -----------------------------------------------------------------------------------------------

cat >"$work/understudy.conf" <<EOF
# Written by scripts/demo.sh. Primary first; the Secondary takes over only while the Primary is unreachable.
global {
  # On Ctrl-C open sessions get 2 s to finish (default 30 s).
  hard-stop-after = 2s
}
listen.MySQL {
  bind = "127.0.0.1:$proxy_port"
  balance = first
  # Log in as 'haproxy' (no password, no privileges) every second, like a real client.
  check { type = mysql, user = haproxy }
  servers = [
    { name = Primary,   address = "127.0.0.1:$primary_port" }
    { name = Secondary, address = "127.0.0.1:$secondary_port", backup = true }
  ]
}
admin.sockets = [ { path = "$work/admin.sock", mode = "600", level = admin } ]
EOF

say "starting Understudy on 127.0.0.1:$proxy_port"
"$repo/bin/understudy" -c "$work/understudy.conf" >"$work/understudy.log" 2>&1 </dev/null &
proxy_pid=$!
deadline=$((SECONDS + step_timeout))
until grep -qs "frontend 'MySQL' listening on /127.0.0.1:$proxy_port" "$work/understudy.log"; do
  if ! alive "$proxy_pid" || ((SECONDS >= deadline)); then
    cat "$work/understudy.log" >&2
    die "the proxy did not start listening (its log is above)"
  fi
  sleep 0.1
done
elapsed_ms=$(((${EPOCHREALTIME//[.,]/} - started_at) / 1000))

cat <<EOF

Understudy is up on 127.0.0.1:$proxy_port (started in $((elapsed_ms / 1000)).$(printf '%03d' $((elapsed_ms % 1000)))s), in front of:
  Primary     127.0.0.1:$primary_port   server_id 1   pid $primary_pid
  Secondary   127.0.0.1:$secondary_port   server_id 2   pid $secondary_pid   (replicates from the Primary)

Connect through the proxy (user app, password app, database demo):
  mariadb -h 127.0.0.1 -P $proxy_port -u app -papp -e 'select @@server_id'

See what the proxy sees (HAProxy's show stat on the admin socket; socat works too):
  $repo/bin/understudy admin --socket $work/admin.sock "show stat" | cut -d, -f1,2,18,20,21,37

See failover: stop the Primary; within about a second it is DOWN and the Secondary (server_id 2) answers:
  kill $primary_pid

Press Ctrl-C (or run: kill $$) to stop the proxy and both servers. The proxy's log follows.

EOF

# Show the log until the proxy exits or a signal arrives. `wait` returns as soon as a trapped signal comes in.
tail -n +1 -f --pid="$proxy_pid" -s 0.2 "$work/understudy.log" &
tail_pid=$!
proxy_status=0
wait "$proxy_pid" || proxy_status=$?
die "the proxy exited by itself (exit code $proxy_status)"
