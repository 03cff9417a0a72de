#!/usr/bin/env bash
# Installs what fincrm needs to build, test and run on Debian 12: the Debian packages
# that are missing (idempotent; needs root for apt-get) and the npm packages of web/
# and tests/ (npm ci when package-lock.json changed since the last install).
set -euo pipefail
cd "$(dirname "$0")/.."

pkgs=(
  build-essential pkg-config clang llvm libclang-rt-14-dev
  libmicrohttpd-dev libjansson-dev libsodium-dev libsqlite3-dev libpq-dev libgd-dev
  libfido2-dev libcbor-dev libssl-dev
  libcmocka-dev sqlite3 libqrencode-dev
  libicu-dev
  postgresql-15 postgresql-client-15
  nodejs npm chromium chromium-driver fonts-noto-cjk
  wrk nginx-light curl ca-certificates gzip procps bc
  libcsv-dev libzip-dev libexpat1-dev libxlsxwriter-dev
)
# `deps.sh test`: what only the tests need (make test runs both), so make run stays lean.
if [ "${1:-}" = test ]; then
  pkgs=(libreoffice-calc-nogui)
fi
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
# Node.js and npm may come from outside Debian (a newer node in /usr/local): keep it.
if command -v node >/dev/null && command -v npm >/dev/null; then
  missing=("${missing[@]/nodejs}"); missing=("${missing[@]/npm}")
fi
read -r -a missing <<<"${missing[*]:-}"
if ((${#missing[@]})); then
  echo "deps: installing ${missing[*]}"
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
  export DEBIAN_FRONTEND=noninteractive
  # Ask the package lists once; an up-to-date cache is reused.
  if [ ! -f /var/lib/apt/periodic/fincrm-updated ] || [ -n "$(find /var/lib/apt/lists -maxdepth 0 -mmin +1440)" ]; then
    $SUDO apt-get update -qq
    $SUDO mkdir -p /var/lib/apt/periodic && $SUDO touch /var/lib/apt/periodic/fincrm-updated
  fi
  # Debian's nginx packages start a server at install; this machine never needs it.
  printf '#!/bin/sh\nexit 101\n' | $SUDO tee /usr/sbin/policy-rc.d >/dev/null
  $SUDO chmod +x /usr/sbin/policy-rc.d
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
  $SUDO rm -f /usr/sbin/policy-rc.d
fi

# npm packages: reinstall only when the lock file is newer than the install.
for dir in web tests; do
  [ -f "$dir/package.json" ] || continue
  stamp="$dir/node_modules/.fincrm-installed"
  if [ ! -f "$stamp" ] || [ "$dir/package-lock.json" -nt "$stamp" ]; then
    echo "deps: npm ci in $dir"
    (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
    touch "$stamp"
  fi
done
