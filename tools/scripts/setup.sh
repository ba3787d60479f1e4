#!/usr/bin/env bash
# `npm run setup`: everything beyond `npm ci` that tests and `npm start` need on this machine —
# Debian packages (PostgreSQL 15 + PostGIS, Docker engine, registry, compose, mmdebstrap), the
# backend virtualenv, moto (the S3 + IAM server of the policy tests), and the image harness (engine, local base images, registry on 127.0.0.1:5000).
# Idempotent: each step checks first and reuses what is there.
set -euo pipefail
cd "$(dirname "$0")/../.."
# Every step says how long it took: a cold machine (apt, base images, Go builds) and a warm re-run
# (all reused) should both be visible in CI's log.
step_started=$SECONDS
step_done() { echo "setup: $1 ($((SECONDS - step_started)) s)"; step_started=$SECONDS; }

packages=(postgresql-15-postgis-3 docker.io docker-registry docker-compose mmdebstrap curl git ca-certificates wrk python3-venv)
# promtool and amtool check the monitoring profile's config (libs/compose monitoring.spec.ts); openssl
# verifies MinIO's scrape token there.
packages+=(prometheus prometheus-alertmanager prometheus-postgres-exporter openssl)
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
# Only the tools are wanted: the packaged daemons would hold 9090/9093, the monitoring profile's ports.
if [ -d /run/systemd/system ]; then
  systemctl disable --now prometheus prometheus-alertmanager >/dev/null 2>&1 || true
fi
step_done "Debian packages"

# Go tools are built from the Go module proxy once per machine into a cache dir keyed by version.
TOOLS_DIR="${SATVACH_TOOLS_DIR:-$HOME/.cache/satvach/tools}"
build_go_tool() { # name version package-path: leaves $TOOLS_DIR/<name>-<version>/<name>
  local name=$1 version=$2 package=$3 dir="$TOOLS_DIR/$1-$2" go_bin
  [ -x "$dir/$name" ] && return
  go_bin="$(command -v go || true)"
  [ -z "$go_bin" ] && [ -x /usr/local/go/bin/go ] && go_bin=/usr/local/go/bin/go
  if [ -z "$go_bin" ]; then
    echo "setup: $name needs Go to build; install golang (apt-get install golang-go, or go.dev/dl) and run again" >&2
    exit 1
  fi
  echo "setup: building $name $version into $dir"
  mkdir -p "$dir.partial"
  GOBIN="$dir.partial" CGO_ENABLED=0 "$go_bin" install "$package@$version"
  # Renamed only when complete: an interrupted build is redone, never half-used.
  rm -rf "$dir"; mv "$dir.partial" "$dir"
}

# actionlint: workflow checks in libs/ci's tests.
ACTIONLINT_VERSION=v1.7.12
build_go_tool actionlint "$ACTIONLINT_VERSION" github.com/rhysd/actionlint/cmd/actionlint
step_done "actionlint $ACTIONLINT_VERSION"

# Mailpit: the real SMTP server (with an HTTP API) libs/monitoring's alert-delivery test mails to.
MAILPIT_VERSION=v1.33.1
build_go_tool mailpit "$MAILPIT_VERSION" github.com/axllent/mailpit
step_done "mailpit $MAILPIT_VERSION"

# VictoriaLogs: the log store of the `logging` profile (local image) and of libs/logs' tests.
VICTORIA_LOGS_VERSION=v1.52.1
build_go_tool victoria-logs "$VICTORIA_LOGS_VERSION" github.com/VictoriaMetrics/VictoriaLogs/app/victoria-logs
step_done "victoria-logs $VICTORIA_LOGS_VERSION"

bash apps/backend/scripts/setup-venv.sh
step_done "backend virtualenv"
bash tools/scripts/setup-moto.sh
step_done "moto"
bash tools/scripts/docker-harness.sh
step_done "Docker harness (engine, local base images, registry)"
echo "setup: done"
