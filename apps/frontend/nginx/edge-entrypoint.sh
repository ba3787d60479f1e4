#!/bin/sh
# Renders the edge's optional parts from the environment, checks every value, then runs nginx.
# Without SATVACH_API_UPSTREAM or SATVACH_API_UPSTREAM_FILE the image is a plain static server for
# the frontend build.
set -eu
templates=/etc/nginx/satvach
out=/tmp/nginx

fail() { echo "edge: $*" >&2; exit 64; }
whole_number() { case "$2" in '' | *[!0-9]*) fail "$1 must be a whole number, got '$2'" ;; esac; }

mkdir -p "$out/http.d" "$out/server.d" "$out/headers.d" "$out/client_body" "$out/proxy"
rm -f "$out"/http.d/*.conf "$out"/server.d/*.conf "$out"/headers.d/*.conf

upstream_file="${SATVACH_API_UPSTREAM_FILE:-}"
if [ -n "$upstream_file" ]; then
  # Deploy mode: `nx run backend:deploy` rewrites the live upstream (blue/green, canary weights) in
  # this container and keeps a copy in this file, so a restarted edge serves what was deployed.
  case "$upstream_file" in /*) ;; *) fail "SATVACH_API_UPSTREAM_FILE must be an absolute path, got '$upstream_file'" ;; esac
  if [ ! -e "$upstream_file" ]; then
    [ -n "${SATVACH_API_UPSTREAM:-}" ] || fail "SATVACH_API_UPSTREAM_FILE=$upstream_file does not exist yet and SATVACH_API_UPSTREAM is not set to serve until the first \`nx run backend:deploy\`"
    echo "edge: $upstream_file does not exist yet; serving SATVACH_API_UPSTREAM until the first deploy" >&2
    upstream_file=""
  elif [ ! -r "$upstream_file" ]; then
    fail "SATVACH_API_UPSTREAM_FILE=$upstream_file cannot be read by uid $(id -u)"
  fi
fi
if [ -z "$upstream_file" ] && [ -n "${SATVACH_API_UPSTREAM:-}" ]; then
  upstream_host="${SATVACH_API_UPSTREAM%:*}"
  case "$SATVACH_API_UPSTREAM" in
    *[!A-Za-z0-9.:_-]* | "$upstream_host" | :*) fail "SATVACH_API_UPSTREAM must be host:port, got '$SATVACH_API_UPSTREAM'" ;;
  esac
  whole_number "the port of SATVACH_API_UPSTREAM" "${SATVACH_API_UPSTREAM##*:}"
fi

if [ -n "$upstream_file" ] || [ -n "${SATVACH_API_UPSTREAM:-}" ]; then
  rate="${SATVACH_EDGE_RATE_PER_S:-20}"
  burst="${SATVACH_EDGE_RATE_BURST:-40}"
  photo_max="${SATVACH_PHOTO_MAX_BYTES:-5242880}"
  whole_number SATVACH_EDGE_RATE_PER_S "$rate"
  whole_number SATVACH_EDGE_RATE_BURST "$burst"
  whole_number SATVACH_PHOTO_MAX_BYTES "$photo_max"
  # The photo limit is the backend's; the body also carries the multipart framing.
  max_body=$((photo_max + 65536))
  if [ -n "$upstream_file" ]; then
    cp "$upstream_file" "$out/http.d/upstream.conf"
  else
    sed -e "s/@API_UPSTREAM@/$SATVACH_API_UPSTREAM/" "$templates/upstream.conf.template" >"$out/http.d/upstream.conf"
  fi
  sed -e "s/@RATE@/$rate/" "$templates/rate-limit.conf.template" >"$out/http.d/rate-limit.conf"
  sed -e "s/@BURST@/$burst/" -e "s/@MAX_BODY_BYTES@/$max_body/" \
    "$templates/api.conf.template" >"$out/server.d/api.conf"
fi

# SATVACH_EDGE_TRUSTED_PROXY: the tunnel connector's address(es), comma-separated; each an IPv4
# address or CIDR of /29 or narrower, or an IPv6 one of /125 or narrower. Whoever is trusted names the
# client for the logs and the per-client rate limit, so a whole private range (any container, any
# neighbour on it) is refused rather than trusted.
trusted_proxy="${SATVACH_EDGE_TRUSTED_PROXY:-127.0.0.1,::1}"
bad_proxy() { fail "SATVACH_EDGE_TRUSTED_PROXY: '$1' $2 (give the tunnel connector's own address, e.g. 127.0.0.1,::1 when it shares the edge's network)"; }
ipv4() {
  case "$1" in '' | *[!0-9.]* | *..* | .* | *.) return 1 ;; esac
  # shellcheck disable=SC2046 # split into octets on purpose
  set -- $(echo "$1" | tr . ' ')
  [ $# -eq 4 ] || return 1
  for octet; do
    case "$octet" in ????* | 0?*) return 1 ;; esac
    [ "$octet" -le 255 ] || return 1
  done
}
ipv6() {
  case "$1" in '' | *[!0-9a-fA-F:]* | *:::* | *::*::* | :[!:]* | *[!:]:) return 1 ;; esac
  compressed=false
  case "$1" in *::*) compressed=true ;; esac
  # shellcheck disable=SC2046 # split into groups on purpose
  set -- $(echo "$1" | tr : ' ')
  for group; do
    case "$group" in ?????*) return 1 ;; esac
  done
  if $compressed; then [ $# -le 7 ]; else [ $# -eq 8 ]; fi
}
realip_from=""
set -f # the entries are split on purpose, never globbed
for entry in $(echo "$trusted_proxy" | tr , ' '); do
  address="${entry%/*}"
  prefix=""
  case "$entry" in
    */*)
      prefix="${entry#*/}"
      case "$prefix" in '' | *[!0-9]* | ????*) bad_proxy "$entry" "has a malformed prefix length" ;; esac
      ;;
  esac
  if ipv4 "$address"; then
    widest=29 bits=32
  elif ipv6 "$address"; then
    widest=125 bits=128
  else
    bad_proxy "$entry" "is not an IPv4 or IPv6 address or CIDR"
  fi
  if [ -n "$prefix" ] && [ "$prefix" -gt "$bits" ]; then
    bad_proxy "$entry" "has a prefix length beyond /$bits"
  elif [ -n "$prefix" ] && [ "$prefix" -lt "$widest" ]; then
    bad_proxy "$entry" "is wider than /$widest: trusting a whole range lets anyone on it forge client addresses"
  fi
  realip_from="${realip_from}set_real_ip_from $entry;
"
done
set +f
[ -n "$realip_from" ] || bad_proxy "$trusted_proxy" "names no address"

case "${SATVACH_EDGE_BEHIND_TUNNEL:-false}" in
  true)
    # Only the tunnel connector may name the client; anyone else's CF-Connecting-IP is ignored.
    printf '%sreal_ip_header CF-Connecting-IP;\n' "$realip_from" >"$out/http.d/realip.conf"
    echo 'add_header Strict-Transport-Security "max-age=31536000; includeSubDomains" always;' >"$out/headers.d/hsts.conf"
    ;;
  false) ;;
  *) fail "SATVACH_EDGE_BEHIND_TUNNEL must be true or false, got '$SATVACH_EDGE_BEHIND_TUNNEL'" ;;
esac

exec "$@"
