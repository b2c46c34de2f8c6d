#!/usr/bin/env bash
# Starts clamd on a unix socket for tests and local runs, with a one-line signature database
# of its own (no freshclam, no internet; ready in well under a second):
#
#   eval "$(scripts/clamd.sh start)"      # exports GC_CLAMD_SOCKET, GC_CLAMD_DIR, GC_CLAMD_PID
#   eval "$(scripts/clamd.sh start DIR)"  # again in DIR (same socket): a restart after a kill
#   scripts/clamd.sh stop "$GC_CLAMD_DIR"
#
# The signature fires on the EICAR test string anywhere in a stream (inside a zip and after
# other bytes too). Ready when this returns: it waits until clamd answers PING, at most 20 s.
# Stopped by its PID only.
set -euo pipefail

ping_clamd() {
  python3 - "$1" <<'PY' 2>/dev/null
import socket, sys
s = socket.socket(socket.AF_UNIX)
s.settimeout(1)
s.connect(sys.argv[1])
s.sendall(b"zPING\0")
sys.exit(0 if s.recv(16).startswith(b"PONG") else 1)
PY
}

case "${1:-}" in
  start)
    command -v clamd >/dev/null || { echo "clamd is not installed (scripts/setup.sh)" >&2; exit 1; }
    dir=${2:-$(mktemp -d /tmp/gc-clamd-XXXXXX)}
    mkdir -p "$dir/db"
    printf 'Test.EICAR.NDB:0:*:%s\n' \
      "$(printf EICAR-STANDARD-ANTIVIRUS-TEST-FILE | od -An -tx1 | tr -d ' \n')" > "$dir/db/test.ndb"
    # StreamMaxLength above the largest upload a test server accepts; MaxThreads small: the
    # machine is shared.
    printf '%s\n' "DatabaseDirectory $dir/db" "LocalSocket $dir/clamd.sock" "FixStaleSocket yes" \
      "Foreground yes" "LogFile $dir/clamd.log" "PidFile $dir/clamd.pid" "StreamMaxLength 64M" \
      "MaxThreads 2" "SelfCheck 0" > "$dir/clamd.conf"
    clamd -c "$dir/clamd.conf" </dev/null >"$dir/stdout.log" 2>&1 &
    pid=$!
    for _ in $(seq 200); do
      ping_clamd "$dir/clamd.sock" && break
      kill -0 "$pid" 2>/dev/null || { cat "$dir/stdout.log" "$dir/clamd.log" >&2 2>/dev/null; exit 1; }
      sleep 0.1
    done
    ping_clamd "$dir/clamd.sock" || { echo "clamd did not answer" >&2; kill "$pid"; exit 1; }
    echo "$pid" > "$dir/pid"
    echo "export GC_CLAMD_SOCKET=$dir/clamd.sock GC_CLAMD_DIR=$dir GC_CLAMD_PID=$pid"
    ;;
  stop)
    dir=${2:?usage: scripts/clamd.sh stop DIR}
    if [[ -f $dir/pid ]]; then kill "$(cat "$dir/pid")" 2>/dev/null || true; fi
    rm -rf "$dir"
    ;;
  *)
    echo "usage: scripts/clamd.sh start [DIR] | stop DIR" >&2
    exit 2
    ;;
esac
