#!/usr/bin/env bash
# `npm test`: installs what is missing (see workspace.sh), then every check of every project.
set -euo pipefail
cd "$(dirname "$0")/../.."
source tools/scripts/workspace.sh
exec npx nx run-many -t lint typecheck test build e2e --outputStyle=stream-without-prefixes "$@"
