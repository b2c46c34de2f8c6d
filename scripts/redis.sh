#!/usr/bin/env bash
# Starts a throwaway Redis 7 on a free loopback port for tests and local runs:
#
#   eval "$(scripts/redis.sh start)"   # exports GC_TEST_REDIS_URL, GC_REDIS_DIR, GC_REDIS_PORT
#   scripts/redis.sh stop "$GC_REDIS_DIR"
#
# No persistence (no RDB snapshots, no AOF): Redis holds nothing durable in GopherChat. Ready
# when this returns (it answers PING). Stopped by the PID in its folder, never by name.
set -euo pipefail

REDIS_SERVER=${REDIS_SERVER:-redis-server}

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

case "${1:-}" in
  start)
    command -v "$REDIS_SERVER" >/dev/null || { echo "redis-server is not installed (scripts/setup.sh)" >&2; exit 1; }
    dir=$(mktemp -d /tmp/gc-redis-XXXXXX)
    # A port that was free a moment ago can be taken before the server binds it: try again.
    # With --daemonize yes a failed bind still exits 0, so readiness is a PING that answers.
    for _ in 1 2 3; do
      port=$(free_port)
      rm -f "$dir/redis.pid"
      "$REDIS_SERVER" --port "$port" --bind 127.0.0.1 --save '' --appendonly no \
        --daemonize yes --pidfile "$dir/redis.pid" --logfile "$dir/redis.log" --dir "$dir" \
        >/dev/null 2>&1 || continue
      for _ in $(seq 100); do
        if [[ $(redis-cli -h 127.0.0.1 -p "$port" ping 2>/dev/null) == PONG ]]; then
          echo "export GC_TEST_REDIS_URL=redis://127.0.0.1:$port GC_REDIS_DIR=$dir GC_REDIS_PORT=$port"
          exit 0
        fi
        sleep 0.05
      done
      [[ -f $dir/redis.pid ]] && kill "$(cat "$dir/redis.pid")" 2>/dev/null || true
    done
    echo "Redis did not start:" >&2
    cat "$dir/redis.log" >&2 2>/dev/null || true
    rm -rf "$dir"
    exit 1
    ;;
  stop)
    dir=${2:?usage: scripts/redis.sh stop DIR}
    if [[ -f $dir/redis.pid ]]; then
      pid=$(cat "$dir/redis.pid")
      if kill "$pid" 2>/dev/null; then
        for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.05; done
      fi
    fi
    rm -rf "$dir"
    ;;
  *)
    echo "usage: scripts/redis.sh start | stop DIR" >&2
    exit 2
    ;;
esac
