#!/usr/bin/env bash
# A real PostgreSQL 15 server for the tests: its own cluster in a temporary folder, on a loopback
# port, run by an unprivileged user (postgres refuses root: as root, the folder is handed to the
# `postgres` user, else `nobody`). Password authentication on TCP, as a hospital's server has it.
#
#   postgres.sh start STATE   starts it; STATE/url and STATE/password (0600) say how to connect
#   postgres.sh stop STATE    stops it and removes its folder
#
# pg_ctl -w returns once the server accepts connections (its readiness), not after a guess.
set -euo pipefail

action=${1:?start or stop}
state=${2:?state folder}
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
[ -x "$bin/initdb" ] || { echo "postgres.sh: no PostgreSQL server here (deploy/install-deps.sh installs postgresql)" >&2; exit 1; }

as_user() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u "$owner" -- "$@"; else "$@"; fi
}
owner=$(id -un)
if [ "$(id -u)" -eq 0 ]; then
  if id postgres >/dev/null 2>&1; then owner=postgres; else owner=nobody; fi
fi

stop() {
  [ -f "$state/datadir" ] || return 0
  local data
  data=$(cat "$state/datadir")
  if [ -d "$data/pgdata" ]; then
    as_user "$bin/pg_ctl" -D "$data/pgdata" -m immediate -w stop >/dev/null 2>&1 || true
  fi
  rm -rf "$data"
  rm -f "$state/datadir" "$state/url" "$state/password"
}

case "$action" in
stop)
  stop
  echo "postgres.sh: stopped"
  ;;
start)
  mkdir -p "$state"
  stop # what an interrupted run left
  data=$(mktemp -d /tmp/fa-postgres.XXXXXX)
  chmod 700 "$data"
  echo "$data" >"$state/datadir"
  password=$(head -c 18 /dev/urandom | base64 | tr -d '/+=')
  umask 077
  printf '%s\n' "$password" >"$data/pwfile"
  chown -R "$owner" "$data"
  as_user "$bin/initdb" -D "$data/pgdata" -U fa_test --pwfile="$data/pwfile" --auth-local=trust \
    --auth-host=scram-sha-256 -E UTF8 --locale=C.UTF-8 --no-sync >"$data/initdb.log" 2>&1 ||
    { cat "$data/initdb.log" >&2; exit 1; }
  # A free port: the server is asked to listen on one; another taken, the next is tried.
  for attempt in $(seq 1 20); do
    port=$((20000 + RANDOM % 20000))
    if as_user "$bin/pg_ctl" -D "$data/pgdata" -l "$data/server.log" -w -t 60 start \
      -o "-p $port -k $data -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off -c max_connections=200" \
      >/dev/null 2>&1; then
      printf '%s\n' "$password" >"$state/password"
      echo "postgresql://fa_test@127.0.0.1:$port/postgres" >"$state/url"
      echo "postgres.sh: PostgreSQL $("$bin/postgres" --version | awk '{print $3}') ready on 127.0.0.1:$port ($data)"
      exit 0
    fi
    grep -q "could not bind\|Address already in use" "$data/server.log" 2>/dev/null || { cat "$data/server.log" >&2; exit 1; }
    : >"$data/server.log"
  done
  echo "postgres.sh: no free port found in 20 attempts" >&2
  exit 1
  ;;
*)
  echo "usage: postgres.sh start|stop STATE" >&2
  exit 2
  ;;
esac
