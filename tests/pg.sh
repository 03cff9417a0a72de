#!/usr/bin/env bash
# tests/pg.sh — a throwaway PostgreSQL 15 server for tests.
#
#   tests/pg.sh start DIR          initdb in DIR, start on a free 127.0.0.1 port, create
#                                  database fincrm_test; prints its URL (last line)
#   tests/pg.sh createdb DIR NAME  create one more database; prints its URL
#   tests/pg.sh url DIR [NAME]     prints the URL of a database (default fincrm_test)
#   tests/pg.sh stop DIR           stop the server (fast) and remove DIR
#
# Layout of DIR: data/ (the cluster), postgres.log, port, and the unix socket.
# The server runs as the `postgres` OS user, listens on 127.0.0.1 only and trusts
# every local connection: it is for tests, never for data that matters. Durability
# is switched off (fsync=off) because the cluster is thrown away after the run.
set -euo pipefail

PGBIN=/usr/lib/postgresql/15/bin
PGUSER_OS=postgres

die() { echo "pg.sh: $*" >&2; exit 1; }
log() { echo "pg.sh: $*" >&2; }

usage() {
  sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//' >&2
  exit 2
}

# as_pg CMD… — run a command as the postgres OS user (we are root in CI) or as
# ourselves when already not root.
as_pg() {
  if [ "$(id -u)" = 0 ]; then
    runuser -u "$PGUSER_OS" -- "$@"
  else
    "$@"
  fi
}

ensure_installed() {
  [ -x "$PGBIN/initdb" ] && [ -x "$PGBIN/pg_ctl" ] && return 0
  [ "$(id -u)" = 0 ] || die "PostgreSQL 15 is missing and we are not root: install postgresql-15"
  log "installing postgresql-15"
  export DEBIAN_FRONTEND=noninteractive
  # The Debian package starts a cluster of its own at install time: forbid that.
  local policy_made=0
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
    chmod +x /usr/sbin/policy-rc.d
    policy_made=1
  fi
  local rc=0
  apt-get install -y -qq --no-install-recommends postgresql-15 >&2 ||
    { apt-get update -qq >&2 && apt-get install -y -qq --no-install-recommends postgresql-15 >&2; } ||
    rc=$?
  [ "$policy_made" = 1 ] && rm -f /usr/sbin/policy-rc.d
  [ "$rc" = 0 ] || die "apt-get install postgresql-15 failed"
  [ -x "$PGBIN/initdb" ] || die "$PGBIN/initdb still missing after install"
}

# abspath DIR — absolute path of DIR (which may not exist yet).
abspath() {
  local d=$1
  case "$d" in
    /*) ;;
    *) d="$PWD/$d" ;;
  esac
  # strip trailing slashes (but keep "/")
  while [ "${#d}" -gt 1 ] && [ "${d%/}" != "$d" ]; do d=${d%/}; done
  printf '%s\n' "$d"
}

# make_traversable DIR — the postgres user must be able to reach DIR: give "search"
# (x) permission to the ancestors that lack it (mktemp -d makes 0700 directories).
make_traversable() {
  [ "$(id -u)" = 0 ] || return 0
  local p
  p=$(dirname "$1")
  while [ "$p" != / ]; do
    if ! runuser -u "$PGUSER_OS" -- test -x "$p" 2>/dev/null; then
      log "chmod o+x $p (so that user $PGUSER_OS can reach the cluster)"
      chmod o+x "$p"
    fi
    p=$(dirname "$p")
  done
}

port_in_use() {
  # A TCP connect that succeeds means somebody listens there.
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

pick_port() {
  local p i
  for i in $(seq 1 200); do
    p=$((20000 + RANDOM % 40000))
    port_in_use "$p" || { echo "$p"; return 0; }
  done
  die "no free TCP port found"
}

check_name() {
  [[ "$1" =~ ^[A-Za-z_][A-Za-z0-9_]{0,62}$ ]] || die "bad database name: '$1'"
}

db_url() { # PORT NAME
  printf 'postgresql://postgres@127.0.0.1:%s/%s\n' "$1" "$2"
}

read_port() { # DIR
  [ -f "$1/port" ] || die "$1 holds no server started by pg.sh (no port file)"
  cat "$1/port"
}

is_running() { # DIR
  [ -f "$1/data/postmaster.pid" ] && as_pg "$PGBIN/pg_ctl" -D "$1/data" status >/dev/null 2>&1
}

psql_cmd() { # DIR SQL
  local port
  port=$(read_port "$1")
  "$PGBIN/psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$port" -U postgres -d postgres -tA -c "$2"
}

create_db() { # DIR NAME
  local dir=$1 name=$2 port exists
  check_name "$name"
  port=$(read_port "$dir")
  exists=$(psql_cmd "$dir" "SELECT 1 FROM pg_database WHERE datname = '$name'")
  if [ "$exists" != 1 ]; then
    # C collation keeps LIKE 'x%' prefix searches on plain btree indexes (DESIGN.md).
    psql_cmd "$dir" "CREATE DATABASE \"$name\" TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C'" >/dev/null
  fi
  db_url "$port" "$name"
}

cmd_start() {
  local dir=$1
  ensure_installed
  if [ -d "$dir" ] && is_running "$dir"; then
    log "already running in $dir"
    create_db "$dir" fincrm_test
    return 0
  fi
  if [ -e "$dir/data" ]; then
    die "$dir/data exists but no server runs there: 'tests/pg.sh stop $dir' first"
  fi
  mkdir -p "$dir"
  make_traversable "$dir"
  [ "$(id -u)" = 0 ] && chown "$PGUSER_OS": "$dir"
  as_pg "$PGBIN/initdb" -D "$dir/data" -U postgres --encoding=UTF8 --locale=C \
    --auth=trust --no-sync >"$dir/initdb.log" 2>&1 ||
    { cat "$dir/initdb.log" >&2; die "initdb failed"; }

  # Trust, but only for the unix socket in DIR and for 127.0.0.1.
  as_pg tee "$dir/data/pg_hba.conf" >/dev/null <<'EOF'
# pg.sh: throwaway test cluster
local   all   all                 trust
host    all   all   127.0.0.1/32  trust
EOF

  local try port ok=0
  for try in 1 2 3 4 5; do
    port=$(pick_port)
    as_pg tee "$dir/data/postgresql.auto.conf" >/dev/null <<EOF
# pg.sh: throwaway test cluster
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$dir'
max_connections = 200
fsync = off
synchronous_commit = off
full_page_writes = off
shared_buffers = 128MB
log_min_messages = warning
EOF
    if as_pg "$PGBIN/pg_ctl" -D "$dir/data" -l "$dir/postgres.log" -w -t 60 start >/dev/null 2>&1; then
      ok=1
      break
    fi
    log "start on port $port failed (try $try):"
    tail -n 5 "$dir/postgres.log" >&2 || true
    as_pg "$PGBIN/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1 || true
  done
  [ "$ok" = 1 ] || die "could not start PostgreSQL in $dir"
  echo "$port" >"$dir/port"

  # pg_ctl -w already waited; make sure TCP answers too.
  local i
  for i in $(seq 1 100); do
    "$PGBIN/pg_isready" -q -h 127.0.0.1 -p "$port" -U postgres && break
    sleep 0.1
  done
  "$PGBIN/pg_isready" -q -h 127.0.0.1 -p "$port" -U postgres || die "server on port $port does not answer"
  log "PostgreSQL 15 running in $dir on 127.0.0.1:$port"
  create_db "$dir" fincrm_test
}

cmd_stop() {
  local dir=$1
  [ -e "$dir" ] || return 0
  if [ -f "$dir/data/postmaster.pid" ]; then
    as_pg "$PGBIN/pg_ctl" -D "$dir/data" -m fast -w -t 60 stop >/dev/null 2>&1 ||
      as_pg "$PGBIN/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1 || true
  fi
  # Remove only what is recognisably ours (or empty), never an arbitrary directory.
  if [ -f "$dir/port" ] || [ -f "$dir/data/PG_VERSION" ] || [ -f "$dir/initdb.log" ] ||
    [ -z "$(ls -A "$dir" 2>/dev/null)" ]; then
    rm -rf "$dir"
  else
    die "$dir does not look like a pg.sh cluster: not removed"
  fi
}

[ $# -ge 2 ] || usage
cmd=$1
dir=$(abspath "$2")
case "$cmd" in
  start)
    [ $# -eq 2 ] || usage
    cmd_start "$dir"
    ;;
  stop)
    [ $# -eq 2 ] || usage
    cmd_stop "$dir"
    ;;
  createdb)
    [ $# -eq 3 ] || usage
    is_running "$dir" || die "no server runs in $dir"
    create_db "$dir" "$3"
    ;;
  url)
    [ $# -le 3 ] || usage
    name=${3:-fincrm_test}
    check_name "$name"
    db_url "$(read_port "$dir")" "$name"
    ;;
  *) usage ;;
esac
