#!/usr/bin/env bash
# `make run`: the chat server, then (once it has created the database) the video service, on
# one data dir; Ctrl-C or SIGTERM stops both (each drains). Extra GC_* variables pass through.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${BUILD_DIR:-build}
DATA_DIR=${DATA_DIR:-data}

# The web client learns where the video service is from the chat server (GET /api/config),
# which also lets its pages connect there (CSP connect-src). Open the app on the same host
# name as this URL (127.0.0.1), so the session cookie goes to both.
VIDEO_LISTEN=${GC_VIDEO_LISTEN:-127.0.0.1:4000}
"$BUILD_DIR/bin/gopherchat-server" --data-dir "$DATA_DIR" --video-url "${GC_VIDEO_URL:-http://$VIDEO_LISTEN}" &
server=$!
video=
stop() {
  kill -TERM "$server" 2>/dev/null || true
  [[ -n $video ]] && kill -TERM "$video" 2>/dev/null || true
  wait
}
trap stop INT TERM

# The video service opens the chat database read-only: wait until the server is ready.
for _ in $(seq 100); do
  curl -sf "http://${GC_LISTEN:-127.0.0.1:8080}/readyz" >/dev/null 2>&1 && break
  kill -0 "$server" 2>/dev/null || exit 1
  sleep 0.1
done
"$BUILD_DIR/bin/gopherchat-video" --data-dir "$DATA_DIR" --listen "$VIDEO_LISTEN" \
  --allowed-origins "http://${GC_LISTEN:-127.0.0.1:8080},http://localhost:8080" &
video=$!
wait -n "$server" "$video" || true
stop
