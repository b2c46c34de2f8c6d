#!/usr/bin/env bash
# A whole GopherChat cluster on loopback: PostgreSQL (scripts/postgres.sh), Redis
# (scripts/redis.sh), three gopherchat-server instances on one database, Redis and JWT secret,
# gopherchat-video, and HAProxy (deploy/haproxy.cfg) in front of them on one port.
#
#   scripts/cluster.sh run                  # `make run-cluster`: in the foreground on
#                                           # GC_CLUSTER_PORT (8080); Ctrl-C stops everything
#   eval "$(scripts/cluster.sh start)"      # in the background on a free port; exports
#                                           # GC_CLUSTER_DIR and GC_CLUSTER_URL
#   scripts/cluster.sh stop "$GC_CLUSTER_DIR"
#
# For the cluster tests (tests/cluster/lib/cluster.mjs), on a started cluster's DIR:
#   kill-instance DIR N     SIGKILL instance N (1..3)
#   stop-instance DIR N     SIGTERM instance N and wait until it has drained
#   start-instance DIR N    start instance N again, same port and flags; returns once ready
#   db-stop DIR / db-start DIR   stop PostgreSQL (data kept) / start it again on its port
#
# DIR/cluster.env names every port and URL. Logs: DIR/server-N.log, DIR/video.log,
# DIR/haproxy.log. GC_* variables of the caller pass through to the services (rate limits,
# bcrypt cost, ...), as with `make run`; they are recorded at start so a restarted instance
# gets the same. Throwaway data: PostgreSQL runs with fsync off and everything is removed on stop.
set -euo pipefail
cd "$(dirname "$0")/.."
REPO=$PWD
BUILD_DIR=${BUILD_DIR:-build}
SERVER_BIN=${GC_SERVER_BIN:-$REPO/$BUILD_DIR/bin/gopherchat-server}
VIDEO_BIN=${GC_VIDEO_BIN:-$REPO/$BUILD_DIR/bin/gopherchat-video}
INSTANCES=3
READY_TIMEOUT_S=30

log() { echo "cluster: $*" >&2; }

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

# Waits until URL answers 200, or fails after READY_TIMEOUT_S (PID: give up early if it died).
wait_ready() {
  local url=$1 pid=${2:-}
  local deadline=$((SECONDS + READY_TIMEOUT_S))
  until curl -sf -o /dev/null --max-time 2 "$url"; do
    if [[ -n $pid ]] && ! kill -0 "$pid" 2>/dev/null; then
      log "process $pid exited before $url was ready"
      return 1
    fi
    ((SECONDS < deadline)) || { log "$url not ready within ${READY_TIMEOUT_S}s"; return 1; }
    sleep 0.1
  done
}

# Starts a command in a session of its own (Ctrl-C in a terminal reaches only this script,
# which then stops everything in order), output appended to LOG, PID written to PIDFILE.
spawn() {
  local log=$1 pidfile=$2
  shift 2
  setsid "$@" >>"$log" 2>&1 </dev/null &
  echo $! >"$pidfile"
}

# Sends SIG to the process in PIDFILE and waits up to 20 s for it to exit (then SIGKILL).
stop_pid() {
  local pidfile=$1 sig=${2:-TERM}
  [[ -f $pidfile ]] || return 0
  local pid
  pid=$(cat "$pidfile")
  if kill -"$sig" "$pid" 2>/dev/null; then
    for _ in $(seq 200); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -f "$pidfile"
}

load_env() {
  DIR=${1:?usage: scripts/cluster.sh $2 DIR}
  # shellcheck source=/dev/null
  source "$DIR/cluster.env"
  # shellcheck source=/dev/null
  source "$DIR/passthrough.env"
}

# Instance N of gopherchat-server. The JWT secret travels in the environment, not on the
# command line (ps shows arguments to every user). All instances share one data dir: uploads
# live there and must be readable by every instance (docs/operations.md, "Uploads").
start_instance() {
  local n=$1 port_var="GC_CLUSTER_SERVER_${1}_PORT"
  local port=${!port_var}
  GC_JWT_SECRET=$(cat "$DIR/jwt-secret") spawn "$DIR/server-$n.log" "$DIR/server-$n.pid" \
    "$SERVER_BIN" --listen "127.0.0.1:$port" --data-dir "$DIR/data" \
    --db "$GC_CLUSTER_DB_URL" --redis "$GC_CLUSTER_REDIS_URL" \
    --video-url "$GC_CLUSTER_URL" --allowed-origins "$GC_CLUSTER_ORIGINS" \
    --trusted-proxies 127.0.0.1
  wait_ready "http://127.0.0.1:$port/readyz" "$(cat "$DIR/server-$n.pid")"
}

# The video service reads the same database (read-only) and verifies the same tokens. Its
# rooms are in Redis (--redis), so more instances could share them behind HAProxy.
start_video() {
  GC_JWT_SECRET="$(cat "$DIR/jwt-secret")" spawn "$DIR/video.log" "$DIR/video.pid" \
    "$VIDEO_BIN" --listen "127.0.0.1:$GC_CLUSTER_VIDEO_PORT" \
    --data-dir "$DIR/data" --db "$GC_CLUSTER_DB_URL" --redis "$GC_CLUSTER_REDIS_URL" \
    --allowed-origins "$GC_CLUSTER_ORIGINS" --trusted-proxies 127.0.0.1
  wait_ready "http://127.0.0.1:$GC_CLUSTER_VIDEO_PORT/readyz" "$(cat "$DIR/video.pid")"
}

start_haproxy() {
  GC_HAPROXY_BIND="127.0.0.1:$GC_CLUSTER_PORT" \
    GC_HAPROXY_STATS_BIND="127.0.0.1:$GC_CLUSTER_STATS_PORT" \
    GC_HAPROXY_ERRORS="$REPO/deploy/haproxy-errors" \
    GC_SERVER_1="127.0.0.1:$GC_CLUSTER_SERVER_1_PORT" \
    GC_SERVER_2="127.0.0.1:$GC_CLUSTER_SERVER_2_PORT" \
    GC_SERVER_3="127.0.0.1:$GC_CLUSTER_SERVER_3_PORT" \
    GC_VIDEO="127.0.0.1:$GC_CLUSTER_VIDEO_PORT" \
    spawn "$DIR/haproxy.log" "$DIR/haproxy.pid" haproxy -db -f "$REPO/deploy/haproxy.cfg"
  # Ready when its health checks see every instance and the video service up.
  local deadline=$((SECONDS + READY_TIMEOUT_S)) up
  for (( ; ; )); do
    up=$(curl -sf --max-time 2 "$GC_CLUSTER_STATS_URL;csv" 2>/dev/null |
      awk -F, '$2 ~ /^(s[0-9]+|video)$/ && $18 == "UP"' | wc -l) || up=0
    ((up == INSTANCES + 1)) && return 0
    kill -0 "$(cat "$DIR/haproxy.pid")" 2>/dev/null || { log "haproxy exited:"; cat "$DIR/haproxy.log" >&2; return 1; }
    ((SECONDS < deadline)) || { log "haproxy does not see every service up"; return 1; }
    sleep 0.1
  done
}

stop_cluster() {
  local dir=$1
  [[ -f $dir/cluster.env ]] || { rm -rf "$dir"; return 0; }
  # shellcheck source=/dev/null
  source "$dir/cluster.env"
  stop_pid "$dir/haproxy.pid"
  stop_pid "$dir/video.pid" &
  for n in $(seq $INSTANCES); do stop_pid "$dir/server-$n.pid" & done
  wait
  [[ -n ${GC_CLUSTER_REDIS_DIR:-} ]] && scripts/redis.sh stop "$GC_CLUSTER_REDIS_DIR"
  [[ -n ${GC_CLUSTER_POSTGRES_DIR:-} ]] && scripts/postgres.sh stop "$GC_CLUSTER_POSTGRES_DIR"
  if [[ -n ${GC_KEEP_DATA:-} ]]; then log "kept $dir"; else rm -rf "$dir"; fi
}

# Starts everything in a new DIR; on failure (set -e) stops what it started and exits.
# $1: the public port (0: a free one).
start_cluster() {
  local front=$1
  [[ -x $SERVER_BIN && -x $VIDEO_BIN ]] || { log "build first (make build): $SERVER_BIN"; exit 1; }
  command -v haproxy >/dev/null || { log "haproxy is not installed (scripts/setup.sh)"; exit 1; }
  DIR=$(mktemp -d /tmp/gc-cluster-XXXXXX)
  trap 'log "start failed"; tail -n 20 "$DIR"/*.log >&2 2>/dev/null; stop_cluster "$DIR"' EXIT
  mkdir -p "$DIR/data"
  local passthrough
  passthrough=$(compgen -v GC_ | grep -v '^GC_CLUSTER\|^GC_JWT_SECRET$\|^GC_REDIS_URL$' || true)
  if [[ -n $passthrough ]]; then
    # shellcheck disable=SC2086
    declare -p $passthrough >"$DIR/passthrough.env"
  else
    : >"$DIR/passthrough.env"
  fi
  (umask 077 && openssl rand -hex 32 >"$DIR/jwt-secret")

  local postgres_env redis_env
  postgres_env=$(scripts/postgres.sh start)
  eval "$postgres_env"
  echo "GC_CLUSTER_POSTGRES_DIR=$GC_POSTGRES_DIR" >>"$DIR/cluster.env"
  redis_env=$(scripts/redis.sh start)
  eval "$redis_env"
  echo "GC_CLUSTER_REDIS_DIR=$GC_REDIS_DIR" >>"$DIR/cluster.env"
  psql "$GC_TEST_POSTGRES_URL" -qc 'CREATE DATABASE gopherchat' >/dev/null

  ((front != 0)) || front=$(free_port)
  {
    echo "GC_CLUSTER_DIR=$DIR"
    echo "GC_CLUSTER_PORT=$front"
    echo "GC_CLUSTER_URL=http://127.0.0.1:$front"
    echo "GC_CLUSTER_ORIGINS=http://127.0.0.1:$front,http://localhost:$front"
    echo "GC_CLUSTER_DB_URL=${GC_TEST_POSTGRES_URL%/*}/gopherchat"
    echo "GC_CLUSTER_REDIS_URL=$GC_TEST_REDIS_URL"
    echo "GC_CLUSTER_REDIS_PORT=$GC_REDIS_PORT"
    for n in $(seq $INSTANCES); do echo "GC_CLUSTER_SERVER_${n}_PORT=$(free_port)"; done
    echo "GC_CLUSTER_VIDEO_PORT=$(free_port)"
    local stats
    stats=$(free_port)
    echo "GC_CLUSTER_STATS_PORT=$stats"
    echo "GC_CLUSTER_STATS_URL=http://127.0.0.1:$stats/stats"
  } >>"$DIR/cluster.env"
  load_env "$DIR" start

  # The first instance migrates the schema; the others and the video service start after.
  for n in $(seq $INSTANCES); do start_instance "$n"; done
  start_video
  start_haproxy
  trap - EXIT
}

case "${1:-}" in
  start)
    start_cluster "${GC_CLUSTER_PORT:-0}"
    echo "export GC_CLUSTER_DIR=$DIR GC_CLUSTER_URL=$GC_CLUSTER_URL"
    ;;
  run)
    start_cluster "${GC_CLUSTER_PORT:-8080}"
    trap 'log "stopping"; stop_cluster "$DIR"; exit 0' INT TERM
    log "GopherChat on $GC_CLUSTER_URL (HAProxy; stats $GC_CLUSTER_STATS_URL)"
    for n in $(seq $INSTANCES); do
      port_var="GC_CLUSTER_SERVER_${n}_PORT"
      log "  instance $n: http://127.0.0.1:${!port_var} (log $DIR/server-$n.log)"
    done
    log "  video: http://127.0.0.1:$GC_CLUSTER_VIDEO_PORT, PostgreSQL: $GC_CLUSTER_DB_URL, Redis: $GC_CLUSTER_REDIS_URL"
    log "Ctrl-C stops everything (the data is thrown away)"
    # Until Ctrl-C, or until a service dies (then everything stops).
    while :; do
      for f in "$DIR"/*.pid; do
        kill -0 "$(cat "$f")" 2>/dev/null || { log "$(basename "$f" .pid) exited"; stop_cluster "$DIR"; exit 1; }
      done
      sleep 1 &
      wait $! || true
    done
    ;;
  stop) stop_cluster "${2:?usage: scripts/cluster.sh stop DIR}" ;;
  kill-instance)
    load_env "${2:-}" kill-instance
    stop_pid "$DIR/server-${3:?instance number}.pid" KILL
    ;;
  stop-instance)
    load_env "${2:-}" stop-instance
    stop_pid "$DIR/server-${3:?instance number}.pid" TERM
    ;;
  start-instance)
    load_env "${2:-}" start-instance
    start_instance "${3:?instance number}"
    ;;
  db-stop)
    load_env "${2:-}" db-stop
    scripts/postgres.sh halt "$GC_CLUSTER_POSTGRES_DIR"
    ;;
  db-start)
    load_env "${2:-}" db-start
    scripts/postgres.sh resume "$GC_CLUSTER_POSTGRES_DIR"
    ;;
  *)
    echo "usage: scripts/cluster.sh run | start | stop DIR | kill-instance DIR N |" \
      "stop-instance DIR N | start-instance DIR N | db-stop DIR | db-start DIR" >&2
    exit 2
    ;;
esac
