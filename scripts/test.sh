#!/usr/bin/env bash
# Runs every test: unit tests (GoogleTest, through CTest), then the black-box integration
# suite (Node's test runner against the real binary), then the cluster suite (a whole
# cluster from scripts/cluster.sh: PostgreSQL, Redis, three servers, HAProxy), then the web
# client's store tests (Vitest) and its end-to-end suite (playwright-core driving
# /usr/bin/chromium against the real binary serving web/out). Called by `make test` after
# the build (which builds web/out).
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${BUILD_DIR:-build}

echo "== unit tests (the store suite on SQLite and on a throwaway PostgreSQL cluster)"
# An assignment, not eval "$(...)": a cluster that cannot start stops the run here, loudly.
postgres_env=$(scripts/postgres.sh start)
eval "$postgres_env"
trap 'scripts/postgres.sh stop "$GC_POSTGRES_DIR"' EXIT
ctest --test-dir "$BUILD_DIR" --output-on-failure --timeout 120 -j2
scripts/postgres.sh stop "$GC_POSTGRES_DIR"
trap - EXIT
unset GC_TEST_POSTGRES_URL

echo "== integration tests"
GC_SERVER_BIN="$PWD/$BUILD_DIR/bin/gopherchat-server" GC_VIDEO_BIN="$PWD/$BUILD_DIR/bin/gopherchat-video" \
  node --test --test-concurrency=2 --test-timeout=120000 tests/integration/*.test.mjs

echo "== cluster tests (three servers on PostgreSQL and Redis behind HAProxy)"
GC_SERVER_BIN="$PWD/$BUILD_DIR/bin/gopherchat-server" GC_VIDEO_BIN="$PWD/$BUILD_DIR/bin/gopherchat-video" \
  node --test --test-concurrency=1 --test-timeout=180000 tests/cluster/*.test.mjs

echo "== web unit tests"
(cd web && nice -n 19 npx --no-install vitest run)

echo "== end-to-end tests (chromium)"
GC_SERVER_BIN="$PWD/$BUILD_DIR/bin/gopherchat-server" GC_VIDEO_BIN="$PWD/$BUILD_DIR/bin/gopherchat-video" \
  node --test --test-concurrency=1 --test-timeout=300000 web/e2e/*.test.mjs
