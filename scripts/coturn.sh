#!/usr/bin/env bash
# Starts coturn on loopback for tests and local calls, from deploy/coturn/turnserver.conf with
# a free port, a generated secret and its own working directory:
#
#   eval "$(scripts/coturn.sh start)"   # exports GC_COTURN_PORT, GC_COTURN_SECRET, GC_COTURN_DIR,
#                                       # GC_COTURN_PID, GC_TURN_SECRET and GC_TURN_URLS
#   eval "$(scripts/coturn.sh start DIR)"  # again from DIR (same port and secret): a restart
#                                          # after a kill, whose credentials still work
#   scripts/coturn.sh stop "$GC_COTURN_DIR"
#
# Ready when this returns: it waits until the TCP listener accepts, at most 10 s. Stopped by its
# PID only.
set -euo pipefail
cd "$(dirname "$0")/.."

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

case "${1:-}" in
  start)
    command -v turnserver >/dev/null || { echo "coturn is not installed (scripts/setup.sh)" >&2; exit 1; }
    if [[ -n "${2:-}" ]]; then
      dir=$2
      [[ -f $dir/turnserver.conf ]] || { echo "no coturn configuration in $dir" >&2; exit 1; }
      port=$(sed -n 's/^listening-port=//p' "$dir/turnserver.conf")
      secret=$(sed -n 's/^static-auth-secret=//p' "$dir/turnserver.conf")
    else
      dir=$(mktemp -d /tmp/gc-coturn-XXXXXX)
      port=$(free_port)
      secret=$(openssl rand -hex 32)
      # A relay range of its own, well away from the listening port's neighbourhood.
      min=$((40000 + RANDOM % 20000))
      sed -e "s/^listening-port=.*/listening-port=$port/" \
          -e "s/^min-port=.*/min-port=$min/" \
          -e "s/^max-port=.*/max-port=$((min + 40))/" \
          -e "s/^static-auth-secret=.*/static-auth-secret=$secret/" \
          -e "s|^log-file=.*|log-file=$dir/turn.log|" \
          deploy/coturn/turnserver.conf > "$dir/turnserver.conf"
      printf '%s\n' "pidfile=$dir/turn.pid" "userdb=$dir/turndb" >> "$dir/turnserver.conf"
    fi
    turnserver -c "$dir/turnserver.conf" </dev/null >"$dir/stdout.log" 2>&1 &
    pid=$!
    listening() { timeout 1 bash -c "exec 3<>/dev/tcp/127.0.0.1/$port" 2>/dev/null; }
    for _ in $(seq 100); do
      listening && break
      kill -0 "$pid" 2>/dev/null || { cat "$dir/stdout.log" "$dir"/turn*.log >&2 2>/dev/null; exit 1; }
      sleep 0.1
    done
    listening || { echo "coturn did not answer on $port" >&2; kill "$pid"; exit 1; }
    echo "$pid" > "$dir/pid"
    cat <<OUT
export GC_COTURN_PORT=$port GC_COTURN_SECRET=$secret GC_COTURN_DIR=$dir GC_COTURN_PID=$pid
export GC_TURN_SECRET=$secret GC_TURN_URLS='turn:127.0.0.1:$port?transport=udp,turn:127.0.0.1:$port?transport=tcp'
OUT
    ;;
  stop)
    dir=${2:?usage: scripts/coturn.sh stop DIR}
    if [[ -f $dir/pid ]]; then kill "$(cat "$dir/pid")" 2>/dev/null || true; fi
    rm -rf "$dir"
    ;;
  *)
    echo "usage: scripts/coturn.sh start [DIR] | stop DIR" >&2
    exit 2
    ;;
esac
