#!/usr/bin/env bash
# moto in server mode: the S3 + IAM server that enforces per-identity policies in the object-storage
# tests (libs/backup/src/testing/moto.ts). MinIO cannot be installed on our machines and s3rver checks
# no credentials. Installed into a venv this project owns, one per pinned version; pip reaches PyPI
# through the machine's own pip configuration. Idempotent: a stamp is written only after pip succeeded.
set -euo pipefail
MOTO_VERSION=5.2.5
python="${PYTHON:-python3}"
dir="${SATVACH_TOOLS_DIR:-$HOME/.cache/satvach/tools}/moto-$MOTO_VERSION"
[ -f "$dir/.satvach-installed" ] && exit 0
command -v "$python" >/dev/null || { echo "setup-moto.sh: $python not found; moto needs Python 3 with venv (apt-get install python3-venv)" >&2; exit 1; }
echo "setup-moto.sh: installing moto[server] $MOTO_VERSION into $dir"
[ -x "$dir/bin/python" ] || "$python" -m venv "$dir"
"$dir/bin/python" -m pip install --quiet "moto[server]==$MOTO_VERSION"
touch "$dir/.satvach-installed"
echo "setup-moto.sh: done"
