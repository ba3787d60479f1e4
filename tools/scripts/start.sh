#!/usr/bin/env bash
# `npm start`: installs what is missing, then brings the platform up healthy. The images: the official
# pinned ones where their registry answers, else local stand-ins built from Debian packages — said in
# one line. Force one side with SATVACH_IMAGES=official|local, or pass a configuration (-c production).
# SATVACH_START_DRY_RUN=1 prints the decision and the command, and starts nothing.
set -euo pipefail
cd "$(dirname "$0")/../.."
source tools/scripts/workspace.sh

start_stack() {
  if [ -n "${SATVACH_START_DRY_RUN:-}" ]; then echo "would run: npx nx run stack:up${*:+ $*}"; exit 0; fi
  exec npx nx run stack:up "$@"
}

for arg in "$@"; do
  case "$arg" in -c | -c=* | --configuration | --configuration=*) start_stack "$@" ;; esac
done

# The database's official image stands for all of them: `${VAR:-default}` resolved as compose would.
probe_image="$(node -e "
  const image = require('yaml').parse(require('fs').readFileSync('docker/compose.yml', 'utf8')).services.db.image;
  console.log(image.replace(/\\$\\{(\\w+):-([^}]*)\\}/g, (_, key, fallback) => process.env[key] || fallback));
")"
case "${SATVACH_IMAGES:-auto}" in
  local) echo "images: local stand-ins (SATVACH_IMAGES=local)"; start_stack -c local-images "$@" ;;
  official | auto) ;;
  *) echo "start: SATVACH_IMAGES=${SATVACH_IMAGES} is not one of official, local, auto" >&2; exit 1 ;;
esac
if pull_error="$(timeout 120 "$SATVACH_DOCKER_CLIENT" pull -q "$probe_image" 2>&1 >/dev/null)"; then
  echo "images: official (pulled $probe_image from its registry)"
  start_stack "$@"
fi
reason="$(printf '%s' "$pull_error" | head -n 1)"
if [ "${SATVACH_IMAGES:-auto}" = official ]; then
  echo "start: SATVACH_IMAGES=official, but $probe_image cannot be pulled: $reason" >&2
  exit 1
fi
echo "images: local stand-ins from Debian packages ($probe_image cannot be pulled: $reason); SATVACH_IMAGES=official forces the official ones"
start_stack -c local-images "$@"
