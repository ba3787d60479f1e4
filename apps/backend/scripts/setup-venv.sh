#!/usr/bin/env bash
# Creates or updates apps/backend/.venv from the hashed dev lock, then installs the package itself in
# editable mode. Idempotent: a stamp holds the sha256 of the inputs, and nothing runs when they match.
set -euo pipefail
backend_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
venv="$backend_dir/.venv"
stamp="$venv/.satvach-setup.sha256"
python="${PYTHON:-python3}"

command -v "$python" >/dev/null || { echo "setup-venv.sh: $python not found; Python >= 3.11 is required" >&2; exit 1; }
if ! "$python" -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
  echo "setup-venv.sh: Python >= 3.11 is required, $python is $("$python" -V 2>&1)" >&2
  exit 1
fi

inputs_hash="$(cd "$backend_dir" && cat requirements-dev.lock pyproject.toml | sha256sum | cut -d' ' -f1)"
if [ -x "$venv/bin/python" ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$inputs_hash" ]; then
  echo "setup-venv.sh: $venv is up to date"
  exit 0
fi

echo "setup-venv.sh: installing into $venv"
[ -x "$venv/bin/python" ] || "$python" -m venv "$venv"
"$venv/bin/python" -m pip install --quiet --require-hashes -r "$backend_dir/requirements-dev.lock"
# setuptools comes from the lock, so the editable build needs no unhashed download.
"$venv/bin/python" -m pip install --quiet --no-deps --no-build-isolation -e "$backend_dir"
echo "$inputs_hash" >"$stamp"
echo "setup-venv.sh: done"
