/** What `diagnose` checks, what it says about each, and which runbook a person opens next. */

export const CHECKS = ['db', 'storage', 'edge', 'backend', 'disk', 'host', 'tunnel', 'backup'] as const;
export type CheckName = (typeof CHECKS)[number];

export type Status = 'OK' | 'FAILING' | 'SKIPPED';

export interface CheckResult {
  readonly check: CheckName;
  readonly status: Status;
  /** One line a person on call can act on; never a secret. */
  readonly evidence: string;
  /** The runbook to open, relative to the workspace root (libs/runbooks runbookPath's shape). */
  readonly runbook: string;
}

/**
 * The runbook per failure: the alert a check stands in for (docker/monitoring/prometheus/rules/*.yml
 * `runbook_url`), or the procedure (DDoSMitigation). The runbooks are named after the real alerts.
 */
export const RUNBOOKS = {
  db: 'runbooks/database/DatabaseDown.md',
  storage: 'runbooks/storage/ObjectStorageDown.md',
  edge: 'runbooks/http/HighErrorRate.md',
  flood: 'runbooks/http/DDoSMitigation.md',
  backend: 'runbooks/deploy/BackendDeployFailed.md',
  disk: 'runbooks/host/DiskAlmostFull.md',
  host: 'runbooks/host/HighCpuSustained.md',
  tunnel: 'runbooks/endpoints/TunnelDown.md',
  backupFailed: 'runbooks/backup/BackupFailed.md',
  backupStale: 'runbooks/backup/BackupStale.md',
} as const;

/** The thresholds of the alert rules each check mirrors, so diagnose and the pager agree. */
export const THRESHOLDS = {
  /** HighErrorRate: more than 5 % of requests answered 5xx … */
  errorSharePercent: 5,
  /** … with at least this many requests in the window (the rule's 0.2 req/s over 5 min). */
  minRequests: 20,
  /** The window HighErrorRate's rate() looks at. */
  errorWindowSeconds: 300,
  /** A flood is a present-tense thing: the share of 429s over the last minute. */
  floodWindowSeconds: 60,
  floodSharePercent: 20,
  /** DiskAlmostFull: more than 80 % used. */
  diskUsedPercent: 80,
  /** HighCpuSustained: all CPUs together more than 90 % busy. */
  cpuBusyPercent: 90,
  /** BackupStale: the newest good backup older than 26 h. */
  backupStaleSeconds: 26 * 3600,
} as const;

export const isFailing = (results: readonly CheckResult[]): boolean => results.some((result) => result.status === 'FAILING');

/** `--check=db` or `--check=db,storage` → the checks; an unknown name is refused, naming the valid ones. */
export function parseChecks(value: string | undefined): CheckName[] {
  if (value === undefined || value.trim() === '') return [];
  const names = value.split(',').map((name) => name.trim()).filter(Boolean);
  const unknown = names.filter((name) => !(CHECKS as readonly string[]).includes(name));
  if (unknown.length > 0) throw new Error(`--check="${unknown.join(',')}" is not a check; choose from ${CHECKS.join(', ')} (comma-separated for several)`);
  return names as CheckName[];
}
