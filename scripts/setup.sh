#!/usr/bin/env bash
# Installs what `make build`, `make run` and `make test` need on Debian 12, idempotently:
# silent when everything is already there. Never installs libboost-all-dev / libboost-dev
# (Boost 1.74 conflicts with the 1.81 packages we build against).
set -euo pipefail
cd "$(dirname "$0")/.."

apt_packages=(
  g++ cmake ninja-build make pkg-config
  libboost1.81-dev libboost-json1.81-dev libboost-url1.81-dev
  libssl-dev libsqlite3-dev libcrypt-dev libspdlog-dev libfmt-dev libcli11-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  libmagic-dev libvips-dev
  libpq-dev postgresql
  clamav-daemon clamdscan
  nodejs npm sqlite3
  chromium
  coturn
  libhiredis-dev redis-server
  haproxy
  curl python3
)

missing=()
for p in "${apt_packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# Node.js may come from outside Debian (as on the CI image): a working node/npm is enough.
if command -v node >/dev/null && command -v npm >/dev/null; then
  filtered=()
  for p in "${missing[@]}"; do [[ $p == nodejs || $p == npm ]] || filtered+=("$p"); done
  missing=("${filtered[@]+"${filtered[@]}"}")
fi
if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  if ! apt-get install -y -q --no-install-recommends "${missing[@]}" >/tmp/gopherchat-apt.log 2>&1; then
    apt-get update -q >/tmp/gopherchat-apt.log 2>&1
    apt-get install -y -q --no-install-recommends "${missing[@]}" >>/tmp/gopherchat-apt.log 2>&1 ||
      { cat /tmp/gopherchat-apt.log; exit 1; }
  fi
fi

# npm packages from the lock file, only when the lock changed since the last install.
install_npm() {
  local dir=$1
  [[ -f $dir/package-lock.json ]] || return 0
  local stamp=$dir/node_modules/.gopherchat-lock
  if [[ ! -f $stamp ]] || ! cmp -s "$dir/package-lock.json" "$stamp"; then
    echo "setup: npm ci in $dir"
    (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
    cp "$dir/package-lock.json" "$stamp"
  fi
}
install_npm tests/integration
install_npm web
