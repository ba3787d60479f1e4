#!/usr/bin/env bash
# `npm run dev`: SatVach in development mode — a local PostgreSQL + PostGIS and S3 endpoint (started by the
# backend's devtools, data kept under .local/dev), migrations, then the backend and the Vite dev server.
# Ctrl-C stops everything; the data stays for the next start.
set -euo pipefail
cd "$(dirname "$0")/../.."
# shellcheck source=tools/scripts/node24.sh
source tools/scripts/node24.sh

state_dir="$PWD/.local/dev"
services() { apps/backend/.venv/bin/python apps/backend/devtools/local_services.py "$1" --state-dir "$state_dir"; }

npx nx run backend:venv --outputStyle=stream
services up
trap 'services down' EXIT

# Migrations as the owner role (migrate.env), in a subshell: the backend gets the app role only.
(
  set -a
  # shellcheck disable=SC1091
  source "$state_dir/migrate.env"
  set +a
  npx nx run backend:migrate --outputStyle=stream
)
set -a
# shellcheck disable=SC1091
source "$state_dir/backend.env"
set +a

cat <<MSG

SatVach is starting:
  page     http://127.0.0.1:4200
  API      http://127.0.0.1:${SATVACH_PORT:-8000}/api/v1/places/nearby?lat=18.5204&lon=73.8567
  health   http://127.0.0.1:${SATVACH_PORT:-8000}/health/ready
Ctrl-C stops it (the database and objects stay in .local/dev).

MSG
npx nx run-many -t serve -p backend frontend --outputStyle=stream
