#!/usr/bin/env bash
# Builds the web client (web/ → web/out, a Next.js static export that gopherchat-server serves
# at /) when its sources or lock file changed since the last build; silent otherwise.
# `npm ci` for web/ is scripts/setup.sh's job (it runs first in `make build`).
set -euo pipefail
cd "$(dirname "$0")/../web"

# What goes into the bundle: everything but dependencies, outputs and the tests.
sources_hash() {
  find . \( -path ./node_modules -o -path ./out -o -path ./.next -o -path ./e2e -o -path ./test \) -prune \
    -o -type f ! -name '*.tsbuildinfo' ! -name next-env.d.ts -print |
    LC_ALL=C sort | xargs sha256sum | sha256sum | cut -d' ' -f1
}

stamp=out/.gopherchat-build-stamp
want=$(sources_hash)
if [[ -f $stamp && $(cat "$stamp") == "$want" && -f out/index.html ]]; then exit 0; fi

echo "web: next build"
started=$SECONDS
if ! NEXT_TELEMETRY_DISABLED=1 nice -n 19 npx --no-install next build >/tmp/gopherchat-next-build.log 2>&1; then
  cat /tmp/gopherchat-next-build.log
  exit 1
fi
echo "$want" >"$stamp"
echo "web: built web/out in $((SECONDS - started)) s"
