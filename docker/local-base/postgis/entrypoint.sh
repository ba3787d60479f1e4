#!/bin/bash
# First start: initdb and create the user and database the environment names, as the official
# image does. Later starts reuse the volume as it is.
set -euo pipefail
password="${POSTGRES_PASSWORD:-}"
if [ -n "${POSTGRES_PASSWORD_FILE:-}" ]; then password="$(cat "$POSTGRES_PASSWORD_FILE")"; fi
[ -n "$password" ] || { echo "postgis: set POSTGRES_PASSWORD or POSTGRES_PASSWORD_FILE" >&2; exit 64; }
user="${POSTGRES_USER:-postgres}"
database="${POSTGRES_DB:-$user}"
port="${PGPORT:-5432}"

if [ ! -s "$PGDATA/PG_VERSION" ]; then
  pwfile="$(mktemp)"
  printf '%s' "$password" >"$pwfile"
  initdb --username="$user" --pwfile="$pwfile" --auth-host=scram-sha-256 --auth-local=trust -D "$PGDATA" >/dev/null
  rm -f "$pwfile"
  printf "listen_addresses = '*'\nport = %s\n" "$port" >>"$PGDATA/postgresql.conf"
  echo "host all all all scram-sha-256" >>"$PGDATA/pg_hba.conf"
  pg_ctl -D "$PGDATA" -o "-c listen_addresses=''" -w start >/dev/null
  [ "$database" = postgres ] || createdb --username="$user" "$database"
  pg_ctl -D "$PGDATA" -m fast -w stop >/dev/null
fi
exec "$@"
