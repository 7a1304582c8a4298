# shellcheck shell=bash
# First-start setup for the MariaDB containers of docker/compose.yaml, mounted into /docker-entrypoint-initdb.d/.
#
# The official mariadb image's entrypoint *sources* this file (it is deliberately not executable) on a container's
# first start, while a temporary server runs without networking; its docker_process_sql function runs SQL as root on
# that server. Demo credentials, as in scripts/demo.sh:
#   - on every server: the `app`/`app` account (all privileges, any host), the `demo` database, the passwordless
#     `haproxy` account (no privileges) Understudy's mysql-check logs in with, and the `repl`/`repl` account for
#     replication;
#   - with REPLICATE_FROM=host[:port] (the Secondary): replicate from that server by GTID. The replica threads start
#     with the real server, once the temporary one is gone; they retry the connection every second.
# None of it goes to the binlog (sql_log_bin = 0): each server creates its own accounts, and the Secondary must not
# replay the Primary's.

understudy_initdb() {
  docker_process_sql --database=mysql <<'EOSQL'
SET SESSION sql_log_bin = 0;
CREATE DATABASE IF NOT EXISTS demo;
CREATE USER IF NOT EXISTS 'app'@'%' IDENTIFIED BY 'app';
GRANT ALL PRIVILEGES ON *.* TO 'app'@'%';
CREATE USER IF NOT EXISTS 'haproxy'@'%';
CREATE USER IF NOT EXISTS 'repl'@'%' IDENTIFIED BY 'repl';
GRANT REPLICATION SLAVE, SLAVE MONITOR ON *.* TO 'repl'@'%';
EOSQL

  [[ -n "${REPLICATE_FROM:-}" ]] || return 0
  local host="${REPLICATE_FROM%%:*}" port=3306
  [[ "$REPLICATE_FROM" != *:* ]] || port="${REPLICATE_FROM##*:}"
  if ! [[ "$host" =~ ^[A-Za-z0-9_.-]+$ && "$port" =~ ^[0-9]+$ ]]; then
    echo "10-understudy.sh: REPLICATE_FROM=$REPLICATE_FROM is not host[:port]" >&2
    return 1
  fi
  echo "10-understudy.sh: replicating from $host:$port (GTID)"
  docker_process_sql --database=mysql <<EOSQL
CHANGE MASTER TO MASTER_HOST='$host', MASTER_PORT=$port, MASTER_USER='repl', MASTER_PASSWORD='repl',
  MASTER_USE_GTID=slave_pos, MASTER_CONNECT_RETRY=1;
EOSQL
}

understudy_initdb
unset -f understudy_initdb
