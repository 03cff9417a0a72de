#!/usr/bin/env bash
# tests/api/run.sh — the black-box API tests (node:test), first on SQLite, then on a
# throwaway PostgreSQL 15 (tests/pg.sh). Exits non-zero when either run fails.
#
#   bash tests/api/run.sh                 both backends
#   FINCRM_API_BACKENDS=sqlite bash tests/api/run.sh      one of them
#   bash tests/api/run.sh tests/api/auth-login.test.js    some files only
#
# Needs build/fincrm (make) or FINCRM_BIN.
set -euo pipefail
cd "$(dirname "$0")/../.."

bin=${FINCRM_BIN:-build/fincrm}
[ -x "$bin" ] || { echo "api tests: $bin not found: run 'make' first" >&2; exit 1; }

backends=${FINCRM_API_BACKENDS:-sqlite postgresql}
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(tests/api/)

run_node() {
  node --test --test-concurrency=1 "${targets[@]}"
}

rc_sqlite=skipped
rc_pg=skipped
pgdir=""
cleanup() {
  if [ -n "$pgdir" ]; then
    tests/pg.sh stop "$pgdir" || true
    rmdir "$(dirname "$pgdir")" 2>/dev/null || true
  fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

for b in $backends; do
  case "$b" in
    sqlite)
      echo "=== API tests on SQLite ==="
      rc_sqlite=0
      (unset FINCRM_TEST_DB FINCRM_PG_DIR; run_node) || rc_sqlite=$?
      ;;
    postgresql)
      echo "=== API tests on PostgreSQL 15 ==="
      pgdir="$(mktemp -d /tmp/fincrm-api-pg.XXXXXX)/pg"
      url=$(tests/pg.sh start "$pgdir" | tail -n 1)
      echo "PostgreSQL: $url"
      rc_pg=0
      FINCRM_TEST_DB="$url" FINCRM_PG_DIR="$pgdir" run_node || rc_pg=$?
      ;;
    *)
      echo "api tests: unknown backend '$b' (sqlite, postgresql)" >&2
      exit 2
      ;;
  esac
done

echo "=== API tests: sqlite=$rc_sqlite postgresql=$rc_pg (0 = passed) ==="
for rc in "$rc_sqlite" "$rc_pg"; do
  case "$rc" in
    0 | skipped) ;;
    *) exit 1 ;;
  esac
done
exit 0
