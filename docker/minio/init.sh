#!/bin/sh
# The MinIO init job (compose service `minio-init`, image minio/mc): buckets, versioning, and one user
# per service with the bucket-scoped policy from ./policies (the same files the moto tests load).
# Root credentials arrive as MC_HOST_satvach=http://user:pass@minio:9000 (env, never argv); each
# user's secret goes to `mc admin user add` on stdin (printf is a shell builtin: no argv either).
# Any refusal exits non-zero, naming the policy and bucket, so the stack never reports healthy.
# Idempotent: safe to run on every `stack:up`.
set -eu
here=$(dirname "$0")

fail() {
  echo "minio-init: $*" >&2
  exit 1
}

# Replaces every ${BUCKET} in a policy template (POSIX sh: the mc image has no sed).
render() {
  text=$(cat "$1")
  out=''
  while :; do
    case $text in
      *'${BUCKET}'*)
        out="$out${text%%'${BUCKET}'*}$2"
        text=${text#*'${BUCKET}'}
        ;;
      *)
        printf '%s\n' "$out$text"
        return
        ;;
    esac
  done
}

# identity <policy name> <bucket> <access key id> <secret>
identity() {
  file="$here/policies/$1.json"
  [ -f "$file" ] || fail "policy $1 (bucket $2): $file is missing"
  rendered="${TMPDIR:-/tmp}/$1.json"
  render "$file" "$2" >"$rendered"
  out=$(mc admin policy create satvach "$1" "$rendered" 2>&1) || fail "MinIO rejected policy $1 for bucket $2: $out"
  out=$(printf '%s\n' "$4" | mc admin user add satvach "$3" 2>&1) || fail "cannot create user $3 (policy $1, bucket $2): $out"
  if ! out=$(mc admin policy attach satvach "$1" --user "$3" 2>&1); then
    case $out in
      *'already in effect'* | *'already attached'*) ;;
      *) fail "cannot attach policy $1 (bucket $2) to user $3: $out" ;;
    esac
  fi
  echo "minio-init: user $3 has policy $1 on bucket $2"
}

photos=$SATVACH_S3_BUCKET
backups=$SATVACH_BACKUP_S3_BUCKET
mc mb --ignore-existing "satvach/$photos" >/dev/null || fail "cannot create bucket $photos"
# Object lock can only be switched on when a bucket is created; it also turns versioning on. An existing
# bucket keeps what it has, and versioning is enabled on it below either way.
if ! mc stat "satvach/$backups" >/dev/null 2>&1; then
  mc mb --with-lock "satvach/$backups" >/dev/null || fail "cannot create bucket $backups (with object lock)"
fi
mc version enable "satvach/$backups" >/dev/null || fail "cannot enable versioning on bucket $backups"

identity satvach-backend "$photos" "$SATVACH_S3_ACCESS_KEY_ID" "$SATVACH_S3_SECRET_ACCESS_KEY"
identity satvach-backup-writer "$backups" "$SATVACH_BACKUP_S3_ACCESS_KEY_ID" "$SATVACH_BACKUP_S3_SECRET_ACCESS_KEY"
identity satvach-backup-retention "$backups" "$SATVACH_BACKUP_PRUNE_S3_ACCESS_KEY_ID" "$SATVACH_BACKUP_PRUNE_S3_SECRET_ACCESS_KEY"
# Prometheus (monitoring profile): MinIO's metrics and nothing else — no bucket at all.
identity satvach-monitoring "(none)" "$SATVACH_MINIO_MONITOR_ACCESS_KEY_ID" "$SATVACH_MINIO_MONITOR_SECRET_ACCESS_KEY"
echo "minio-init: done"
