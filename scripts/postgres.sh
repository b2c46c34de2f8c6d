#!/usr/bin/env bash
# Starts a throwaway PostgreSQL 15 cluster on a free loopback port for tests and local runs:
#
#   eval "$(scripts/postgres.sh start)"   # exports GC_TEST_POSTGRES_URL, GC_POSTGRES_DIR,
#                                         # GC_POSTGRES_PORT
#   scripts/postgres.sh stop "$GC_POSTGRES_DIR"
#
#   scripts/postgres.sh halt "$GC_POSTGRES_DIR"     # stops the server, keeps its data
#   scripts/postgres.sh resume "$GC_POSTGRES_DIR"   # starts it again on the same port
#
# Trust authentication on loopback only, fsync off: for tests, never for data that matters.
# Ready when this returns (pg_ctl -w waits until it accepts connections). Run as root, the
# cluster belongs to the postgres user (initdb refuses root). Stopped with pg_ctl, by its data
# directory.
set -euo pipefail

PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

# Runs a PostgreSQL tool as the cluster's owner.
as_owner() {
  if [[ $EUID -eq 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi
}

# Starts the cluster in DIR on PORT (pg_ctl -w: accepting connections when this returns).
# Tests need no durability; a benchmark of durable writes does (GC_POSTGRES_DURABLE=1). A
# fresh cluster has no WAL segments to recycle yet, so under load backends keep creating and
# zero-filling 16 MB segments, which stalls commits by tens of ms (measured at 10,000 msgs/s:
# ack p99 131 and 177 ms with the zero-fill, 58 and 90 ms without); a cluster in service
# recycles its segments. wal_init_zero=off skips the zero-fill, so the benchmark
# measures that steady state (docs/operations.md says when to set it in production).
# GC_POSTGRES_OPTIONS adds server settings for an experiment, e.g.
# "-c log_min_duration_statement=40 -c logging_collector=on -c log_directory=/tmp/pglogs".
start_server() {
  local dir=$1 port=$2 durability="-c fsync=off -c full_page_writes=off"
  [[ ${GC_POSTGRES_DURABLE:-0} == 1 ]] && durability="-c fsync=on -c synchronous_commit=on -c wal_init_zero=off"
  as_owner "$PG_BIN/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 30 \
    -o "-p $port -k $dir -c listen_addresses=127.0.0.1 $durability ${GC_POSTGRES_OPTIONS:-}" \
    start >/dev/null 2>&1
}

case "${1:-}" in
  start)
    [[ -x $PG_BIN/initdb ]] || { echo "PostgreSQL 15 is not installed (scripts/setup.sh)" >&2; exit 1; }
    dir=$(mktemp -d /tmp/gc-postgres-XXXXXX)
    chmod 755 "$dir"
    if [[ $EUID -eq 0 ]]; then chown postgres:postgres "$dir"; fi
    if ! as_owner "$PG_BIN/initdb" -D "$dir/data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 \
      >"$dir/initdb.log" 2>&1; then
      cat "$dir/initdb.log" >&2
      exit 1
    fi
    # A port that was free a moment ago can be taken before the server binds it: try again.
    for _ in 1 2 3; do
      port=$(free_port)
      if start_server "$dir" "$port"; then
        echo "$port" >"$dir/port"
        echo "export GC_TEST_POSTGRES_URL=postgresql://postgres@127.0.0.1:$port/postgres" \
          "GC_POSTGRES_DIR=$dir GC_POSTGRES_PORT=$port"
        exit 0
      fi
    done
    echo "PostgreSQL did not start:" >&2
    cat "$dir/server.log" >&2 2>/dev/null || true
    exit 1
    ;;
  stop)
    dir=${2:?usage: scripts/postgres.sh stop DIR}
    if [[ -f $dir/data/postmaster.pid ]]; then
      as_owner "$PG_BIN/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true
    fi
    rm -rf "$dir"
    ;;
  halt)
    dir=${2:?usage: scripts/postgres.sh halt DIR}
    as_owner "$PG_BIN/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null
    ;;
  resume)
    dir=${2:?usage: scripts/postgres.sh resume DIR}
    start_server "$dir" "$(cat "$dir/port")" || { cat "$dir/server.log" >&2; exit 1; }
    ;;
  *)
    echo "usage: scripts/postgres.sh start | stop DIR | halt DIR | resume DIR" >&2
    exit 2
    ;;
esac
