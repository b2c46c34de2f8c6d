#!/usr/bin/env bash
# Benchmarks for GopherChat against an already built tree (see docs/performance.md).
#
#   bench/run.sh            both scenarios
#   bench/run.sh conns      CONNS idle authenticated WebSockets, server RSS per connection
#   bench/run.sh dm         durable direct-message throughput and latency
#   bench/run.sh fanout     one group of MEMBERS users, all online, SENDERS of them sending
#   bench/run.sh video      gopherchat-video: ROOMS rooms of 2 peers, offers relayed at
#                           VIDEO_RATE/s in total; relay latency p50/p99 (bench/video.mjs, Node)
#   bench/run.sh presence   USERS users online with FRIENDS each; CHURN a second go offline
#                           and come back: server CPU per presence transition
#   bench/run.sh uploads    UPLOAD_MIB files uploaded one after another, then UPLOAD_PARALLEL at
#                           once: MiB/s and the server's peak RSS (bench/uploads.mjs, Node)
#   bench/run.sh uploads-scan   the same with every upload scanned by a local clamd
#                           (scripts/clamd.sh); name both for a side-by-side run
#   DB=postgres bench/run.sh dm     the same dm scenario on a throwaway PostgreSQL cluster
#                           (scripts/postgres.sh, fsync on: GC_POSTGRES_DURABLE=1) instead of
#                           a SQLite file
#   DB=postgres INSTANCES=2 bench/run.sh dm   INSTANCES servers on that database and one Redis
#                           (scripts/redis.sh); socket i on instance i % INSTANCES, so with 2
#                           every message crosses instances through Redis; prints each
#                           process's CPU seconds and Redis CPU per delivered message
#
# Environment (defaults in brackets):
#   BUILD_DIR [build]  CONNS [19000]  SOURCES [127.0.0.1,127.0.0.2,127.0.0.3,127.0.0.4]
#   HOLD [5]  PAIRS [50]  WINDOW [32]  DURATION [10]  WARMUP [2]  BODY_BYTES [64]
#   RATE [0] (dm offered msgs/s over all sockets, open loop; 0 = as fast as the window allows)
#   MEMBERS [1000]  SENDERS [8]  FANOUT_WINDOW [2] (fanout: un-acked per sender)
#   FANOUT_RATE [0] (fanout offered msgs/s over all senders; 0 = as fast as the window allows)
#   THREADS [1] (loadgen io threads)  KEEP_DATA [0] (keep the temp dir)
#   USERS [400, or MEMBERS when fanout runs and needs more]
#   BENCH_OUT [unset] (append each scenario's JSON result line to this file)
#   ROOMS [100]  VIDEO_RATE [1000] (video: relays/s offered over all rooms)
#   VIDEO_REDIS [0] (video: 1 = the video service keeps its rooms in a throwaway Redis,
#   scripts/redis.sh, as with --redis in a cluster; both peers of a room on the one instance)
#   UPLOAD_MIB [25]  UPLOAD_SEQUENTIAL [6]  UPLOAD_PARALLEL [10]
#   presence: USERS [19000 when presence runs] users, one WebSocket each (spread over
#   SOURCES); FRIENDS [50] per user, provisioned with `admin create-friendships` (0: none, a
#   baseline of the connection churn alone); CHURN [200] users/s that close their socket and
#   reconnect OFFLINE_MS [100] later; SETTLE [2] s allowed for a transition's events; DURATION
#   and WARMUP as above. The server runs with --presence-grace-ms 0, so every churn is a real
#   offline and online transition to the friends (with the default 5 s grace a reconnect
#   within it is invisible). Users are then provisioned with BCRYPT_COST [4 when presence
#   runs, else 10] so that logging in 19,000 of them takes seconds, not minutes.
# Each scenario gets a fresh server process on the same provisioned database.
# The server runs with its rate limits raised far above what the scenarios send (the checks
# still run, so their cost is measured): the load generator logs in USERS users from one
# address, and `dm` sends a few hundred messages a second on each socket, far past the default
# 20/s per connection.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD_DIR="${BUILD_DIR:-$ROOT/build}"
SERVER="$BUILD_DIR/bin/gopherchat-server"
VIDEO="$BUILD_DIR/bin/gopherchat-video"
LOADGEN="$BUILD_DIR/bin/gopherchat-loadgen"

CONNS="${CONNS:-19000}"
SOURCES="${SOURCES:-127.0.0.1,127.0.0.2,127.0.0.3,127.0.0.4}"
HOLD="${HOLD:-5}"
PAIRS="${PAIRS:-50}"
WINDOW="${WINDOW:-32}"
DURATION="${DURATION:-10}"
WARMUP="${WARMUP:-2}"
BODY_BYTES="${BODY_BYTES:-64}"
RATE="${RATE:-0}"
THREADS="${THREADS:-1}"
MEMBERS="${MEMBERS:-1000}"
SENDERS="${SENDERS:-8}"
FANOUT_WINDOW="${FANOUT_WINDOW:-2}"
FANOUT_RATE="${FANOUT_RATE:-0}"
ROOMS="${ROOMS:-100}"
VIDEO_RATE="${VIDEO_RATE:-1000}"
FRIENDS="${FRIENDS:-50}"
CHURN="${CHURN:-200}"
OFFLINE_MS="${OFFLINE_MS:-100}"
SETTLE="${SETTLE:-2}"
UPLOAD_MIB="${UPLOAD_MIB:-25}"
UPLOAD_SEQUENTIAL="${UPLOAD_SEQUENTIAL:-6}"
UPLOAD_PARALLEL="${UPLOAD_PARALLEL:-10}"
PREFIX=bench
PASSWORD=benchpass123
LIMIT_ARGS=(--rate-limit-login 1000000 --rate-limit-login-failures 1000000
  --rate-limit-rest 1000000 --ws-rate-limit 100000 --ws-rate-burst 1000000)
VIDEO_LIMIT_ARGS=(--rate-limit-rest 1000000 --ws-rate-limit 100000 --ws-rate-burst 1000000)
START_TIMEOUT=30  # seconds to wait for "listening on"
STOP_TIMEOUT=20   # seconds to wait for a SIGTERM drain

scenarios=("$@")
[[ ${#scenarios[@]} -eq 0 ]] && scenarios=(conns dm fanout)
for s in "${scenarios[@]}"; do
  case "$s" in conns | dm | fanout | video | presence | uploads | uploads-scan) ;; *)
    echo "usage: $0 [conns] [dm] [fanout] [video] [presence] [uploads] [uploads-scan]" >&2
    exit 2
    ;;
  esac
done
has_presence=0
[[ " ${scenarios[*]} " == *" presence "* ]] && has_presence=1
if ((has_presence)); then
  USERS="${USERS:-19000}"
  BCRYPT_COST="${BCRYPT_COST:-4}"
else
  USERS="${USERS:-400}"
  BCRYPT_COST="${BCRYPT_COST:-10}"
fi

for bin in "$SERVER" "$VIDEO" "$LOADGEN"; do
  if [[ ! -x "$bin" ]]; then
    echo "run.sh: $bin is missing; build first (make build)" >&2
    exit 2
  fi
done
# Users are cheap to provision (one bcrypt hash for all): make enough for the fanout group.
if [[ " ${scenarios[*]} " == *" fanout "* ]] && ((MEMBERS > USERS)); then USERS=$MEMBERS; fi
if [[ " ${scenarios[*]} " == *" video "* ]] && ((2 * ROOMS > USERS)); then USERS=$((2 * ROOMS)); fi
if [[ " ${scenarios[*]} " == *" dm "* ]] && ((2 * PAIRS > USERS)); then
  echo "run.sh: PAIRS=$PAIRS needs USERS >= $((2 * PAIRS))" >&2
  exit 2
fi
if pgrep -x cc1plus >/dev/null || pgrep -f 'cmake --build' >/dev/null; then
  echo "run.sh: WARNING: a compiler is running; figures will be skewed on a shared machine" >&2
fi

# The server and the load generator each hold one descriptor per connection.
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
if [[ " ${scenarios[*]} " == *" conns "* ]] && (($(ulimit -n) < CONNS + 100)); then
  echo "run.sh: WARNING: open-file limit $(ulimit -n) is below CONNS+100=$((CONNS + 100))" >&2
fi
if ((has_presence)) && (($(ulimit -n) < USERS + 100)); then
  echo "run.sh: WARNING: open-file limit $(ulimit -n) is below USERS+100=$((USERS + 100))" >&2
fi

DATA_DIR="$(mktemp -d "${TMPDIR:-/tmp}/gopherchat-bench.XXXXXX")"
DB="${DB:-sqlite}"
INSTANCES="${INSTANCES:-1}"
POSTGRES_DIR=""
REDIS_DIR=""
REDIS_URL=""
PEER_PIDS=()
PEER_URLS=()
if ((INSTANCES > 1)) && [[ $DB != postgres ]]; then
  echo "run.sh: INSTANCES=$INSTANCES needs DB=postgres (instances share one database)" >&2
  exit 2
fi
if [[ $DB == postgres ]]; then
  # Durable writes are what is measured: fsync stays on (the tests' clusters turn it off).
  eval "$(GC_POSTGRES_DURABLE=1 "$ROOT/scripts/postgres.sh" start)"
  POSTGRES_DIR="$GC_POSTGRES_DIR"
  psql "$GC_TEST_POSTGRES_URL" -qc "CREATE DATABASE gc_bench"
  DB_URL="${GC_TEST_POSTGRES_URL%/postgres}/gc_bench"
else
  DB_URL="sqlite://$DATA_DIR/chat.db"
fi
if ((INSTANCES > 1)); then
  eval "$("$ROOT/scripts/redis.sh" start)"
  REDIS_DIR="$GC_REDIS_DIR"
  REDIS_URL="$GC_TEST_REDIS_URL"
fi
VIDEO_REDIS_ARGS=()
if [[ "${VIDEO_REDIS:-0}" == 1 ]]; then
  if [[ -z "$REDIS_DIR" ]]; then
    eval "$("$ROOT/scripts/redis.sh" start)"
    REDIS_DIR="$GC_REDIS_DIR"
  fi
  VIDEO_REDIS_ARGS=(--redis "$GC_TEST_REDIS_URL")
fi
SERVER_PID=""
SERVER_LOG=""
VIDEO_PID=""
CLAMD_DIR=""

stop_server() {
  [[ -n "$SERVER_PID" ]] || return 0
  local pid="$SERVER_PID" rc=0 deadline
  SERVER_PID=""
  if ! kill -0 "$pid" 2>/dev/null; then
    wait "$pid" 2>/dev/null || rc=$?
    echo "run.sh: server $pid had already exited (status $rc)" >&2
    return 1
  fi
  kill -TERM "$pid" 2>/dev/null || true
  deadline=$((SECONDS + STOP_TIMEOUT))
  while kill -0 "$pid" 2>/dev/null && ((SECONDS < deadline)); do
    sleep 0.1
  done
  if kill -0 "$pid" 2>/dev/null; then
    echo "run.sh: server $pid did not exit within ${STOP_TIMEOUT}s of SIGTERM; killing it" >&2
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    return 1
  fi
  wait "$pid" 2>/dev/null || rc=$?
  if ((rc != 0)); then
    echo "run.sh: server exited with status $rc after SIGTERM (expected 0)" >&2
    return 1
  fi
  return 0
}

# SIGTERM to the video service; its drain must end with status 0.
stop_video() {
  [[ -n "$VIDEO_PID" ]] || return 0
  local pid="$VIDEO_PID" rc=0
  VIDEO_PID=""
  kill -TERM "$pid" 2>/dev/null || true
  timeout "$STOP_TIMEOUT" tail --pid="$pid" -f /dev/null || kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || rc=$?
  ((rc == 0)) || echo "run.sh: video service exited with status $rc after SIGTERM (expected 0)" >&2
  return "$rc"
}

# SIGTERM to the other instances of a cluster run (INSTANCES > 1).
stop_peers() {
  local pid
  for pid in "${PEER_PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${PEER_PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  PEER_PIDS=()
  PEER_URLS=()
}

# CPU seconds (user + system) a process has used so far.
cpu_seconds() {
  awk -v hz="$(getconf CLK_TCK)" '{ printf "%.2f", ($14 + $15) / hz }' "/proc/$1/stat"
}

# One unlabelled series of a server's /metrics ($1: its base URL, $2: the series).
metric() {
  curl -sf --max-time 5 "$1/metrics" | awk -v name="$2" '$1 == name { print $2 }'
}

# shellcheck disable=SC2317  # invoked by the EXIT trap
cleanup() {
  stop_video >/dev/null 2>&1 || true
  stop_peers
  [[ -z "$REDIS_DIR" ]] || "$ROOT/scripts/redis.sh" stop "$REDIS_DIR" || true
  [[ -z "$POSTGRES_DIR" ]] || "$ROOT/scripts/postgres.sh" stop "$POSTGRES_DIR" || true
  [[ -z "$CLAMD_DIR" ]] || "$ROOT/scripts/clamd.sh" stop "$CLAMD_DIR" || true
  stop_server >/dev/null 2>&1 || true
  if [[ "${KEEP_DATA:-0}" == 1 ]]; then
    echo "run.sh: kept $DATA_DIR" >&2
  else
    rm -rf "$DATA_DIR"
  fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Waits for the "listening on" line of process $2 in log $1; prints the port.
listening_port() {
  local log="$1" pid="$2" deadline line
  deadline=$((SECONDS + START_TIMEOUT))
  while ((SECONDS < deadline)); do
    line="$(grep -o -m1 'listening on 127\.0\.0\.1:[0-9]\+' "$log" || true)"
    if [[ -n "$line" ]]; then
      echo "${line##*:}"
      return 0
    fi
    if ! kill -0 "$pid" 2>/dev/null; then
      echo "run.sh: $log: the process exited during startup; log:" >&2
      tail -n 30 "$log" >&2
      return 1
    fi
    sleep 0.1
  done
  echo "run.sh: no 'listening on' line within ${START_TIMEOUT}s; log:" >&2
  tail -n 30 "$log" >&2
  return 1
}

# Starts a server on a free port; sets SERVER_PID, SERVER_LOG and PORT.
start_server() {
  local name="$1" extra=()
  SERVER_LOG="$DATA_DIR/server-$name.log"
  # Every churn a real offline + online pair (see the header).
  [[ "$name" == presence ]] && extra=(--presence-grace-ms 0)
  # Every file of an upload run is kept (no quota in the way); the limit fits the file.
  if [[ "$name" == uploads* ]]; then
    extra=(--upload-quota-bytes $((1 << 40)) --max-upload-bytes $((UPLOAD_MIB << 20)))
  fi
  if [[ "$name" == uploads-scan ]]; then
    if [[ -z "$CLAMD_DIR" ]]; then
      eval "$("$ROOT/scripts/clamd.sh" start)"
      CLAMD_DIR="$GC_CLAMD_DIR"
    fi
    extra+=(--clamd-socket "$CLAMD_DIR/clamd.sock")
  fi
  [[ -z "$REDIS_URL" ]] || extra+=(--redis "$REDIS_URL")
  "$SERVER" --listen 127.0.0.1:0 --data-dir "$DATA_DIR" --db "$DB_URL" "${LIMIT_ARGS[@]}" \
    "${extra[@]}" >"$SERVER_LOG" 2>&1 &
  SERVER_PID=$!
  PORT="$(listening_port "$SERVER_LOG" "$SERVER_PID")" || return 1
  echo "run.sh: server pid $SERVER_PID listening on 127.0.0.1:$PORT (log $SERVER_LOG)"
  # The other instances: same data dir (so the same JWT secret), database and Redis.
  local n log pid port
  for ((n = 2; n <= INSTANCES; n++)); do
    log="$DATA_DIR/server-$name-$n.log"
    "$SERVER" --listen 127.0.0.1:0 --data-dir "$DATA_DIR" --db "$DB_URL" "${LIMIT_ARGS[@]}" \
      "${extra[@]}" >"$log" 2>&1 &
    pid=$!
    PEER_PIDS+=("$pid")
    port="$(listening_port "$log" "$pid")" || return 1
    PEER_URLS+=("http://127.0.0.1:$port")
    echo "run.sh: instance $n pid $pid listening on 127.0.0.1:$port (log $log)"
  done
}

# Starts gopherchat-video on the server's database and secret; sets VIDEO_PID and VIDEO_PORT.
start_video() {
  local log="$DATA_DIR/video.log"
  "$VIDEO" --listen 127.0.0.1:0 --data-dir "$DATA_DIR" --db "$DB_URL" --max-peers 2 \
    "${VIDEO_LIMIT_ARGS[@]}" "${VIDEO_REDIS_ARGS[@]}" >"$log" 2>&1 &
  VIDEO_PID=$!
  VIDEO_PORT="$(listening_port "$log" "$VIDEO_PID")" || return 1
  echo "run.sh: video pid $VIDEO_PID listening on 127.0.0.1:$VIDEO_PORT (log $log)"
}

# Runs one scenario against a fresh server; returns non-zero on any failure.
run_scenario() {
  local name="$1" rc=0 out limit
  out="$DATA_DIR/loadgen-$name.out"
  start_server "$name" || return 1
  local args=(--url "http://127.0.0.1:$PORT" --users "$PREFIX" --password "$PASSWORD"
    --server-pid "$SERVER_PID" --threads "$THREADS" --json)
  case "$name" in
    conns)
      args=(conns "${args[@]}" --user-count "$USERS" --count "$CONNS" --sources "$SOURCES"
        --hold "$HOLD")
      limit=900
      ;;
    dm)
      args=(dm "${args[@]}" --user-count "$USERS" --pairs "$PAIRS" --window "$WINDOW"
        --duration "$DURATION" --warmup "$WARMUP" --body-bytes "$BODY_BYTES" --rate "$RATE")
      if ((${#PEER_URLS[@]})); then args+=(--peer-urls "$(IFS=,; echo "${PEER_URLS[*]}")"); fi
      limit=$((${DURATION%.*} + ${WARMUP%.*} + 300))
      ;;
    fanout)
      args=(fanout "${args[@]}" --user-count "$USERS" --members "$MEMBERS" --senders "$SENDERS"
        --window "$FANOUT_WINDOW" --duration "$DURATION" --warmup "$WARMUP"
        --body-bytes "$BODY_BYTES" --rate "$FANOUT_RATE" --sources "$SOURCES")
      # Logging in MEMBERS users (bcrypt) and joining them takes a while before the run.
      limit=$((${DURATION%.*} + ${WARMUP%.*} + 600))
      ;;
    video)
      start_video || return 1
      args=(node "$ROOT/bench/video.mjs" --chat "http://127.0.0.1:$PORT"
        --video "http://127.0.0.1:$VIDEO_PORT" --users "$PREFIX" --password "$PASSWORD"
        --rooms "$ROOMS" --rate "$VIDEO_RATE" --duration "$DURATION" --warmup "$WARMUP"
        --video-pid "$VIDEO_PID" --json)
      limit=$((${DURATION%.*} + ${WARMUP%.*} + 300))
      ;;
    uploads | uploads-scan)
      args=(node "$ROOT/bench/uploads.mjs" --url "http://127.0.0.1:$PORT" --users "$PREFIX"
        --password "$PASSWORD" --server-pid "$SERVER_PID" --size-mib "$UPLOAD_MIB"
        --sequential "$UPLOAD_SEQUENTIAL" --parallel "$UPLOAD_PARALLEL" --label "$name" --json)
      limit=600
      ;;
    presence)
      args=(presence "${args[@]}" --user-count "$USERS" --friends "$FRIENDS" --churn "$CHURN"
        --offline-ms "$OFFLINE_MS" --settle "$SETTLE" --duration "$DURATION" --warmup "$WARMUP"
        --sources "$SOURCES")
      limit=$((${DURATION%.*} + ${WARMUP%.*} + 600))
      ;;
  esac
  local runner=("$LOADGEN")
  [[ $name == video || $name == uploads* ]] && runner=()
  echo "run.sh: ${runner[*]} ${args[*]}"
  local pids=("$SERVER_PID" "${PEER_PIDS[@]}") cpu0=() pid redis_pid="" redis0=0
  [[ -z "$REDIS_DIR" ]] || redis_pid="$(cat "$REDIS_DIR/redis.pid")"
  for pid in "${pids[@]}"; do cpu0+=("$(cpu_seconds "$pid")"); done
  [[ -z "$redis_pid" ]] || redis0="$(cpu_seconds "$redis_pid")"
  timeout --signal=INT --kill-after=10 "$limit" "${runner[@]}" "${args[@]}" | tee "$out" || rc=$?
  if ((INSTANCES > 1)); then
    # The whole run (login, warmup, measured, drain): CPU per instance and for Redis.
    # And what each heard through Redis: an instance hears only the conversations of the
    # users connected to it (plus the main channel's state changes and first messages).
    local i=0 delivered urls=("http://127.0.0.1:$PORT" "${PEER_URLS[@]}")
    for pid in "${pids[@]}"; do
      echo "run.sh: instance $((i + 1)) used $(awk -v a="${cpu0[$i]}" -v b="$(cpu_seconds "$pid")" 'BEGIN { printf "%.2f", b - a }') CPU s," \
        "heard $(metric "${urls[$i]}" gc_broker_events_received_total) events from other instances"
      i=$((i + 1))
    done
    delivered="$(grep -o '[0-9]* delivered to peers' "$out" | grep -o '^[0-9]*' || echo 0)"
    awk -v a="$redis0" -v b="$(cpu_seconds "$redis_pid")" -v n="$delivered" 'BEGIN {
      printf "run.sh: redis used %.2f CPU s for %d deliveries: %.2f us per delivered message\n",
        b - a, n, (n > 0 ? (b - a) * 1e6 / n : 0) }'
  fi
  if ((rc == 124)); then echo "run.sh: $name: loadgen timed out after ${limit}s" >&2; fi
  if [[ -n "${BENCH_OUT:-}" ]]; then grep '^{' "$out" >>"$BENCH_OUT" || true; fi
  if ! kill -0 "$SERVER_PID" 2>/dev/null; then
    echo "run.sh: $name: SERVER DIED during the run; last log lines:" >&2
    tail -n 30 "$SERVER_LOG" >&2
    rc=1
  fi
  stop_video || rc=1
  stop_peers
  stop_server || rc=1
  if ((rc != 0)); then
    echo "run.sh: $name: FAILED (see above; server log tail:)" >&2
    grep -iE 'error|warn|fatal|abort' "$SERVER_LOG" | tail -n 10 >&2 || true
  fi
  return "$rc"
}

echo "run.sh: provisioning $USERS users in $DB_URL"
"$SERVER" admin create-users --prefix "$PREFIX" --count "$USERS" --password "$PASSWORD" \
  --db "$DB_URL" --bcrypt-cost "$BCRYPT_COST"
if ((has_presence)) && ((FRIENDS > 0)); then
  echo "run.sh: provisioning $FRIENDS friends for each of them"
  "$SERVER" admin create-friendships --prefix "$PREFIX" --count "$USERS" --per-user "$FRIENDS" \
    --db "$DB_URL"
fi

status=0
for s in "${scenarios[@]}"; do
  echo
  # shellcheck disable=SC1091
  echo "=== scenario: $s ($(nproc) cores, $(. /etc/os-release && echo "$PRETTY_NAME")) ==="
  run_scenario "$s" || status=1
done
exit "$status"
