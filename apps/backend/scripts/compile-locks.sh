#!/usr/bin/env bash
# Regenerates the hashed locks from pyproject.toml: requirements.lock (runtime, for the image) and
# requirements-dev.lock (runtime + dev, for .venv). Needs `uv` (pip install uv).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
command -v uv >/dev/null || { echo "compile-locks.sh: uv is required (pip install uv)" >&2; exit 1; }

compile() {
  local output=$1
  shift
  uv pip compile pyproject.toml "$@" --generate-hashes --python-version 3.11 \
    --python-platform linux --quiet --output-file "$output" \
    --custom-compile-command "bash scripts/compile-locks.sh"
}

compile requirements.lock
compile requirements-dev.lock --extra dev
