#!/usr/bin/env bash
# A throwaway PostgreSQL server for tests and benchmarks (Debian `postgresql` package).
#
#   scripts/pg-test-server.sh start STATE_DIR   initdb in STATE_DIR/data, start on a free 127.0.0.1 port,
#                                               print the URL and write it to STATE_DIR/url
#   scripts/pg-test-server.sh stop STATE_DIR    stop the server and remove STATE_DIR
#
# Run as root, the server runs as the `postgres` user (initdb refuses root). Authentication is `trust`
# on loopback only: it is a test server. ZKBENCH_PG_DURABLE=1 keeps fsync on (benchmarks); by default
# fsync is off, which only matters if the machine itself crashes.
set -euo pipefail

action="${1:-}"
state="${2:-${ZKBENCH_PG_STATE:-/tmp/zkbench-pg-test}}"
bin="${ZKBENCH_PG_BIN:-/usr/lib/postgresql/15/bin}"

die() { echo "pg-test-server: $*" >&2; exit 1; }

as_server_user() {
  if [ "$(id -u)" -eq 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

start() {
  [ -x "$bin/initdb" ] || die "no PostgreSQL binaries in $bin (install the Debian 'postgresql' package: scripts/install-deps.sh)"
  if [ -f "$state/url" ] && as_server_user "$bin/pg_ctl" -D "$state/data" status >/dev/null 2>&1; then
    cat "$state/url"
    return
  fi
  rm -rf "$state"
  mkdir -p "$state"
  if [ "$(id -u)" -eq 0 ]; then
    id postgres >/dev/null 2>&1 || die "running as root but there is no 'postgres' user to run the server as"
    chown postgres "$state"
  fi
  as_server_user "$bin/initdb" -D "$state/data" -U zkbench --auth=trust -E UTF8 --no-sync >"$state/initdb.log" 2>&1 \
    || die "initdb failed, see $state/initdb.log: $(tail -3 "$state/initdb.log")"
  local fsync=off
  [ "${ZKBENCH_PG_DURABLE:-0}" = 1 ] && fsync=on
  local port=""
  for _ in 1 2 3 4 5; do
    port="$(free_port)"
    if as_server_user "$bin/pg_ctl" -D "$state/data" -l "$state/server.log" -w -t 60 start \
         -o "-p $port -c listen_addresses=127.0.0.1 -k $state -c fsync=$fsync -c max_connections=200" >/dev/null; then
      break
    fi
    port=""
  done
  [ -n "$port" ] || die "the server did not start, see $state/server.log: $(tail -5 "$state/server.log" 2>/dev/null)"
  "$bin/createdb" -h 127.0.0.1 -p "$port" -U zkbench zkbench || die "createdb failed on port $port"
  echo "postgresql://zkbench@127.0.0.1:$port/zkbench" | tee "$state/url"
}

stop() {
  if [ -d "$state/data" ]; then
    as_server_user "$bin/pg_ctl" -D "$state/data" -m fast -w stop >/dev/null 2>&1 || true
  fi
  rm -rf "$state"
}

case "$action" in
  start) start ;;
  stop) stop ;;
  *) die "usage: $0 start|stop [STATE_DIR]" ;;
esac
