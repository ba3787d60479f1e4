#!/bin/sh
# backup_db.sh — the SatVach database backup, a thin wrapper over the backup tool (libs/backup/src/cli.ts),
# the same code as `nx run db:backup`.
#   backup_db.sh --once [--no-prune] [--env-file FILE]   one backup, retention, heartbeat; exit status = result
#   backup_db.sh [--env-file FILE]                       scheduler: a backup on SATVACH_BACKUP_SCHEDULE (cron)
# Configuration: SATVACH_BACKUP_* and PG* variables, documented in libs/backup/backup.env.example.
set -eu
tool="${SATVACH_BACKUP_TOOL:-}"
if [ -z "$tool" ]; then
  for candidate in /app/libs/backup/src/cli.ts "$(dirname "$0")/../../libs/backup/src/cli.ts"; do
    if [ -f "$candidate" ]; then tool=$candidate; break; fi
  done
fi
if [ -z "$tool" ]; then
  echo "backup_db.sh: cannot find libs/backup/src/cli.ts; set SATVACH_BACKUP_TOOL" >&2
  exit 2
fi
# A small young generation: a dump streams through as short-lived 64 KiB chunks, and V8's default
# semi-space lets ~50 MB of them pile up between scavenges (bench/backup: peak RSS).
node_flags="--max-semi-space-size=2"
case "${1:-}" in
  --once) shift; exec node $node_flags "$tool" backup "$@" ;;
  *) exec node $node_flags "$tool" schedule "$@" ;;
esac
