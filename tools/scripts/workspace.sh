# Sourced by `npm start` and `npm test`: makes this clone ready on its own, whatever the machine has —
# Node 24 first on PATH, node_modules matching package-lock.json, `npm run setup`'s steps, and the
# Docker harness's variables exported. Each step checks first, so a ready clone costs a few seconds.
# shellcheck shell=bash
# Set (exported) once this has run: a command started from an already prepared one does not redo it.
if [ -n "${SATVACH_WORKSPACE_READY:-}" ]; then return 0; fi
satvach_step_started=$SECONDS
satvach_step() { echo "workspace: $1 ($((SECONDS - satvach_step_started)) s)"; satvach_step_started=$SECONDS; }

# shellcheck source=tools/scripts/node24.sh
source tools/scripts/node24.sh
satvach_step "Node $(node --version)"

# npm ci only when the lock file changed since the last install (its hash is kept in node_modules).
satvach_lock_hash="$(sha256sum package-lock.json | cut -d' ' -f1)"
if [ "$(cat node_modules/.satvach-lock-hash 2>/dev/null)" != "$satvach_lock_hash" ]; then
  npm ci --no-audit --no-fund
  echo "$satvach_lock_hash" >node_modules/.satvach-lock-hash
fi
satvach_step "node_modules"

if ! bash tools/scripts/setup.sh; then
  echo "workspace: setup failed (above). Without Docker, \`npm run dev\` runs the backend and frontend on this machine's PostgreSQL instead." >&2
  return 1
fi
# The harness's engine and its BuildKit-capable client, whatever `docker` is first on PATH; a value
# already set in the environment wins.
eval "$(bash tools/scripts/docker-harness.sh env | sed 's/^\([A-Z_]*\)=\(.*\)$/export \1="${\1:-\2}"/')"
satvach_step "setup"
export SATVACH_WORKSPACE_READY=1
