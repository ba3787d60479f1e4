#!/usr/bin/env bash
# `npm run setup`: everything beyond `npm ci` that tests and `npm start` need on this machine —
# Debian packages (PostgreSQL 15 + PostGIS, Docker engine, registry, compose, mmdebstrap), the
# backend virtualenv, and the image harness (engine, local base images, registry on 127.0.0.1:5000).
# Idempotent: each step checks first and reuses what is there.
set -euo pipefail
cd "$(dirname "$0")/../.."

packages=(postgresql-15-postgis-3 docker.io docker-registry docker-compose mmdebstrap curl git ca-certificates)
missing=()
for pkg in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
done
if [ "${#missing[@]}" -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "setup: missing Debian packages: ${missing[*]}; run: sudo apt-get install ${missing[*]}" >&2
    exit 1
  fi
  echo "setup: installing ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

bash apps/backend/scripts/setup-venv.sh
bash tools/scripts/docker-harness.sh
echo "setup: done"
