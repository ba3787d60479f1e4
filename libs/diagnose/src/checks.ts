import { type CheckResult, RUNBOOKS, THRESHOLDS } from './model.ts';
import type { BackendObservation, BackupObservation, ContainerObservation, DbObservation, DiskObservation, EdgeObservation, EdgeWindow, HostObservation, StorageObservation, TunnelObservation } from './observations.ts';

const ok = (check: CheckResult['check'], evidence: string, runbook: string): CheckResult => ({ check, status: 'OK', evidence, runbook });
const failing = (check: CheckResult['check'], evidence: string, runbook: string): CheckResult => ({ check, status: 'FAILING', evidence, runbook });
const skipped = (check: CheckResult['check'], evidence: string, runbook: string): CheckResult => ({ check, status: 'SKIPPED', evidence, runbook });

const percent = (part: number, whole: number) => (whole === 0 ? 0 : (100 * part) / whole);
const fmtPercent = (value: number) => `${value.toFixed(1)} %`;
const gib = (bytes: number) => `${(bytes / 2 ** 30).toFixed(1)} GiB`;

export function judgeDb(seen: DbObservation): CheckResult {
  const runbook = RUNBOOKS.db;
  switch (seen.kind) {
    case 'unreachable':
      return failing('db', `db: ${seen.reason} at ${seen.address}`, runbook);
    case 'auth-failed':
      return failing('db', `db: password authentication failed for user "${seen.user}" (its password differs from the stack env's)`, runbook);
    case 'role-limit':
      return failing('db', `db: too many connections for role "${seen.user}" (CONNECTION LIMIT ${seen.limit})`, runbook);
    case 'server-full':
      return failing('db', `db: too many connections (max_connections=${seen.maxConnections ?? 'unknown'})`, runbook);
    case 'error':
      return failing('db', `db: ${seen.message}`, runbook);
    case 'ok':
      return ok('db', `db: ${seen.user} logged in to ${seen.database} at ${seen.address} (${seen.connections} of max_connections=${seen.maxConnections} in use)`, runbook);
  }
}

export function judgeStorage(seen: StorageObservation): CheckResult {
  const runbook = RUNBOOKS.storage;
  if (seen.kind === 'unreachable') return failing('storage', `storage: ${seen.reason} at ${seen.endpoint}`, runbook);
  const problems = seen.buckets.filter((bucket) => bucket.state !== 'ok').map((bucket) => {
    if (bucket.state === 'missing') return `bucket ${bucket.name} missing`;
    if (bucket.state === 'denied') return `bucket ${bucket.name}: access denied`;
    return `bucket ${bucket.name}: ${bucket.detail ?? 'error'}`;
  });
  if (problems.length > 0) return failing('storage', `storage: ${problems.join('; ')} at ${seen.endpoint}`, runbook);
  return ok('storage', `storage: ${seen.endpoint} answers; bucket${seen.buckets.length === 1 ? '' : 's'} ${seen.buckets.map((bucket) => bucket.name).join(', ')} present`, runbook);
}

const isWindow = (value: EdgeWindow | { error: string }): value is EdgeWindow => !('error' in value);
const span = (seconds: number) => (seconds % 60 === 0 ? `${seconds / 60} min` : `${seconds} s`);

/** The edge: `/health` through it, the 5xx share (HighErrorRate) and the 429 share (a flood). */
export function judgeEdge(seen: EdgeObservation): CheckResult[] {
  if ('error' in seen.health) return [failing('edge', `edge: /health unreachable at ${seen.origin} (${seen.health.error})`, RUNBOOKS.edge)];
  const results: CheckResult[] = [];
  const health = `/health ${seen.health.status}`;
  if (seen.health.status !== 200) results.push(failing('edge', `edge: ${health} at ${seen.origin}`, RUNBOOKS.edge));
  if (!isWindow(seen.errors)) {
    results.push(failing('edge', `edge: cannot read the access log (${seen.errors.error})`, RUNBOOKS.edge));
  } else {
    const { requests, errors5xx, seconds } = seen.errors;
    const share = percent(errors5xx, requests);
    const evidence = `edge: 5xx ${fmtPercent(share)} over ${span(seconds)} (${errors5xx} of ${requests} requests), ${health}`;
    if (requests >= THRESHOLDS.minRequests && share > THRESHOLDS.errorSharePercent) results.push(failing('edge', evidence, RUNBOOKS.edge));
    else if (results.length === 0) results.push(ok('edge', requests < THRESHOLDS.minRequests ? `${evidence}; too few requests to judge` : evidence, RUNBOOKS.edge));
  }
  if (isWindow(seen.recent)) {
    const { requests, tooMany, seconds } = seen.recent;
    const share = percent(tooMany, requests);
    if (requests >= THRESHOLDS.minRequests && share > THRESHOLDS.floodSharePercent) {
      results.push(failing('edge', `edge: flood — 429 ${fmtPercent(share)} over ${span(seconds)} (${tooMany} of ${requests} requests rate-limited), ${health}`, RUNBOOKS.flood));
    }
  }
  return results;
}

export function judgeBackend(seen: BackendObservation): CheckResult {
  const runbook = RUNBOOKS.backend;
  const deploy =
    seen.deploy.kind === 'none'
      ? 'no blue-green deploy recorded'
      : seen.deploy.kind === 'invalid'
        ? undefined
        : `deploy: serving ${seen.deploy.serving ?? 'nothing'}${seen.deploy.candidate ? `, candidate ${seen.deploy.candidate}` : ''}`;
  if (seen.deploy.kind === 'invalid') return failing('backend', `backend: ${seen.deploy.error}`, runbook);
  if ('error' in seen.ready) return failing('backend', `backend: ${seen.url}/health/ready unreachable (${seen.ready.error}); ${deploy}`, runbook);
  if (seen.ready.status !== 200) {
    const why = seen.ready.failing.length > 0 ? `not ready: ${seen.ready.failing.join(', ')} failing` : `/health/ready ${seen.ready.status}`;
    return failing('backend', `backend: ${why}; ${deploy}`, runbook);
  }
  return ok('backend', `backend: ready at ${seen.url}; ${deploy}`, runbook);
}

export function judgeDisk(seen: DiskObservation): CheckResult {
  const runbook = RUNBOOKS.disk;
  const rows = seen.filesystems.map((fs) => ({ fs, used: percent(fs.sizeBytes - fs.availableBytes, fs.sizeBytes) }));
  const full = rows.filter((row) => row.used > seen.maxUsedPercent);
  const describe = ({ fs, used }: (typeof rows)[number]) => `${fs.mountpoint} ${fmtPercent(used)} used, ${gib(fs.availableBytes)} free (${fs.path})`;
  if (full.length > 0) return failing('disk', `disk: ${full.map(describe).join('; ')} — over ${seen.maxUsedPercent} %`, runbook);
  return ok('disk', `disk: ${rows.map(describe).join('; ')}; threshold ${seen.maxUsedPercent} %`, runbook);
}

/**
 * HighCpuSustained's question, asked now: is the host over the threshold, and which of the stack's
 * containers burns it. The busiest container is named either way: on a host shared with other work the
 * total alone does not say whether the stack is the cause.
 */
export function judgeHost(seen: HostObservation): CheckResult {
  const runbook = RUNBOOKS.host;
  const busiest =
    'error' in seen.containers
      ? `containers unknown (${seen.containers.error})`
      : `busiest: ${[...seen.containers].sort((a, b) => b.cpuPercent - a.cpuPercent).slice(0, 3).map((c) => `${c.name} ${Math.round(c.cpuPercent)} %`).join(', ') || 'no stack container running'}`;
  const evidence = `host: CPU ${Math.round(seen.busyPercent)} % busy over ${seen.seconds.toFixed(1)} s on ${seen.cpus} CPU${seen.cpus === 1 ? '' : 's'}; ${busiest}`;
  if (seen.busyPercent > seen.maxBusyPercent) return failing('host', `${evidence} — over ${seen.maxBusyPercent} %`, runbook);
  return ok('host', `${evidence}; threshold ${seen.maxBusyPercent} %`, runbook);
}

const notRunning = (container: ContainerObservation, profile: string) =>
  container.kind === 'absent' ? `not running: the ${profile} profile is not started (no container)` : `container ${container.state} (exit code ${container.exitCode})`;

export function judgeTunnel(seen: TunnelObservation): CheckResult {
  const runbook = RUNBOOKS.tunnel;
  if (seen.container.kind === 'absent') return skipped('tunnel', `tunnel: ${notRunning(seen.container, 'tunnel')}`, runbook);
  if (seen.container.state !== 'running') return failing('tunnel', `tunnel: cloudflared ${notRunning(seen.container, 'tunnel')}`, runbook);
  if (seen.metrics === undefined || 'error' in seen.metrics) return failing('tunnel', `tunnel: metrics unreachable (${seen.metrics && 'error' in seen.metrics ? seen.metrics.error : 'not asked'})`, runbook);
  const connections = seen.metrics.haConnections;
  if (connections === undefined || connections < 1) return failing('tunnel', `tunnel: ${connections ?? 0} connections to Cloudflare's edge`, runbook);
  return ok('tunnel', `tunnel: ${connections} connections to Cloudflare's edge`, runbook);
}

const age = (seconds: number) => (seconds >= 3600 ? `${(seconds / 3600).toFixed(1)} h` : `${Math.round(seconds / 60)} min`);

export function judgeBackup(seen: BackupObservation): CheckResult {
  if (seen.container.kind === 'absent') return skipped('backup', `backup: ${notRunning(seen.container, 'backup')}`, RUNBOOKS.backupFailed);
  if (seen.container.state !== 'running') return failing('backup', `backup: scheduler ${notRunning(seen.container, 'backup')}`, RUNBOOKS.backupFailed);
  if (seen.metrics === undefined || 'error' in seen.metrics) return failing('backup', `backup: metrics unreachable (${seen.metrics && 'error' in seen.metrics ? seen.metrics.error : 'not asked'})`, RUNBOOKS.backupFailed);
  const { lastSuccessSeconds, lastRunSuccess, failures } = seen.metrics;
  const last = lastSuccessSeconds === 0 ? 'no good backup yet' : `last good backup ${age(seen.now - lastSuccessSeconds)} ago`;
  if (lastRunSuccess === 0) return failing('backup', `backup: last run failed (${failures} failed run${failures === 1 ? '' : 's'} since the scheduler started); ${last}`, RUNBOOKS.backupFailed);
  if (lastSuccessSeconds === 0 || seen.now - lastSuccessSeconds > seen.maxAgeSeconds) {
    return failing('backup', `backup: ${last} (BackupStale after ${Number((seen.maxAgeSeconds / 3600).toPrecision(3))} h)`, RUNBOOKS.backupStale);
  }
  return ok('backup', `backup: ${last}${lastRunSuccess === 1 ? ', last run succeeded' : ''}`, RUNBOOKS.backupFailed);
}
