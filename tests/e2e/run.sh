#!/usr/bin/env bash
# tests/e2e/run.sh — the browser tests: a fresh demo database, `fincrm serve` with
# the built UI on a free 127.0.0.1 port, then node:test driving Debian's Chromium.
set -euo pipefail
cd "$(dirname "$0")/../.."

bin=${FINCRM_BIN:-build/fincrm}
[ -x "$bin" ] || { echo "e2e: $bin not found: run 'make' first" >&2; exit 1; }
[ -f web/dist/index.html ] || { echo "e2e: web/dist not built: run 'make'" >&2; exit 1; }

tmp=$(mktemp -d /tmp/fincrm-e2e.XXXXXX)
pid=""
cleanup() {
  [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
  rm -rf "$tmp"
}
trap cleanup EXIT

"$bin" demo --db "sqlite:$tmp/e2e.db" --customers 200 --seed 7 >"$tmp/demo.log"
port=$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
# The browser tests sign in often from one address: generous AUTH-2 rate limits.
"$bin" serve --db "sqlite:$tmp/e2e.db" --listen "127.0.0.1:$port" --web web/dist --no-access-log --files-dir "$tmp/files" \
  --login-ip-limit 10000 --login-user-limit 10000 2>"$tmp/server.log" &
pid=$!
for _ in $(seq 1 100); do
  curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break
  sleep 0.1
done

echo "=== browser tests (Chromium) against http://127.0.0.1:$port ==="
FINCRM_URL="http://127.0.0.1:$port" FINCRM_E2E_DB="$tmp/e2e.db" node --test --test-concurrency=1 ${FINCRM_E2E_FILES:-tests/e2e/} || {
  echo "--- server log (tail) ---"; tail -n 30 "$tmp/server.log"; exit 1; }
