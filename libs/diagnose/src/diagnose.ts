import { existsSync } from 'node:fs';
import { cpus } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { createRedactor, formatTable, type RunFn, type Secret } from '@satvach/exec';
import { loadState } from '@satvach/deploy';
import { hostPort, type Reach } from './addresses.ts';
import { judgeBackend, judgeBackup, judgeDb, judgeDisk, judgeEdge, judgeHost, judgeStorage, judgeTunnel } from './checks.ts';
import { trafficOf, windowOf } from './edge-log.ts';
import { parseMetricsText, sampleValue } from './metrics-text.ts';
import { type CheckName, type CheckResult, CHECKS, THRESHOLDS } from './model.ts';
import type { BackendObservation, EdgeObservation, HostObservation } from './observations.ts';
import { busyPercent, dockerStatsArgs, parseDockerStats, readProcStat } from './probes/cpu.ts';
import { probeDb } from './probes/db.ts';
import { probeDisk } from './probes/disk.ts';
import { StackContainers } from './probes/docker.ts';
import { getText, reasonOf } from './probes/http.ts';
import { probeStorage, type StorageTarget } from './probes/storage.ts';
import type { ServicePort, StackTargets } from './targets.ts';

export interface DiagnoseRequest {
  readonly targets: StackTargets;
  readonly projectName: string;
  readonly docker: string;
  /** Which checks; all of them when empty. */
  readonly checks: readonly CheckName[];
  /** DiskAlmostFull's threshold unless given. */
  readonly maxDiskUsedPercent?: number;
  /** HighCpuSustained's threshold unless given. */
  readonly maxCpuBusyPercent?: number;
  /** BackupStale's age limit, in hours, unless given. */
  readonly maxBackupAgeHours?: number;
  /** Values no evidence may show (the stack env's secrets; the backend container's S3 key is added). */
  readonly secrets: readonly string[];
  readonly run: RunFn;
  readonly now?: () => number;
}

/** Turns an observation into an error observation when the probe itself failed. */
const orError = <T>(promise: Promise<T>): Promise<T | { error: string }> => promise.catch((error: unknown) => ({ error: reasonOf(error) }));

async function edgeCheck(request: DiagnoseRequest, containers: StackContainers, now: number): Promise<CheckResult[]> {
  const { edgeOrigin } = request.targets;
  const health = await orError(fetch(`${edgeOrigin}/health`, { signal: AbortSignal.timeout(5000) }).then(async (response) => ({ status: response.status, body: await response.text() })));
  const recentFrom = now - THRESHOLDS.floodWindowSeconds * 1000;
  // Errors of a release that no longer runs are not the running one's: the window starts with the backend.
  const backend = await containers.state('backend');
  const errorsFrom = Math.max(now - THRESHOLDS.errorWindowSeconds * 1000, backend.startedAt ?? 0);
  const edge = await containers.state('edge');
  let errors: EdgeObservation['errors'];
  let recent: EdgeObservation['recent'];
  if (edge.id === undefined) {
    errors = recent = { error: `no edge container in project ${request.projectName}` };
  } else {
    const lines = trafficOf(await containers.logsSince(edge.id, Math.min(errorsFrom, recentFrom)));
    errors = windowOf(lines, errorsFrom, now);
    recent = windowOf(lines, recentFrom, now);
  }
  return judgeEdge({ origin: edgeOrigin, health: 'error' in health ? health : { status: health.status }, errors, recent });
}

/** `http://<address>:<port>` of the service's container, or why there is none (its evidence then names `service:port`). */
async function urlOf({ service, port }: ServicePort, containers: StackContainers): Promise<{ url: string; reach: Reach }> {
  const reach = await containers.reach(service);
  return { url: `http://${'host' in reach ? hostPort(reach.host, port) : hostPort(service, port)}`, reach };
}

async function backendCheck(request: DiagnoseRequest, containers: StackContainers): Promise<CheckResult> {
  const { deployStateFile } = request.targets;
  const { url: backendUrl, reach } = await urlOf(request.targets.services.backend, containers);
  const answer = 'host' in reach ? await orError(getText(`${backendUrl}/health/ready`)) : { error: reach.unreachable };
  const ready: BackendObservation['ready'] =
    'error' in answer ? answer : { status: answer.status, failing: answer.status === 200 ? [] : ((JSON.parse(answer.text || '{}') as { failing?: string[] }).failing ?? []) };
  let deploy: BackendObservation['deploy'] = { kind: 'none' };
  if (existsSync(deployStateFile)) {
    try {
      const state = loadState(deployStateFile, new Date());
      deploy = { kind: 'state', serving: state.serving ? `${state.serving.release} (${state.serving.colour})` : undefined, candidate: state.candidate ? `${state.candidate.release} at ${state.candidate.weight} %` : undefined };
    } catch (error) {
      deploy = { kind: 'invalid', error: (error as Error).message };
    }
  }
  return judgeBackend({ url: backendUrl, ready, deploy });
}

/** The backend's own S3 key when its container runs (an overlay may have replaced the env's), else the env's. */
async function identityOfTheBackend(targets: StackTargets, containers: StackContainers): Promise<{ accessKeyId: string; secretAccessKey: Secret }> {
  const backend = await containers.state('backend');
  if (backend.id === undefined) return targets.storage;
  const env = await containers.environmentOf(backend.id, ['SATVACH_S3_ACCESS_KEY_ID', 'SATVACH_S3_SECRET_ACCESS_KEY']);
  const [id, key] = [env.SATVACH_S3_ACCESS_KEY_ID, env.SATVACH_S3_SECRET_ACCESS_KEY];
  return id === undefined || key === undefined ? targets.storage : { accessKeyId: id.reveal(), secretAccessKey: key };
}

async function storageCheck(request: DiagnoseRequest, identity: { accessKeyId: string; secretAccessKey: Secret }, containers: StackContainers): Promise<CheckResult> {
  const { url: endpoint, reach } = await urlOf(request.targets.services.storage, containers);
  if (!('host' in reach)) return judgeStorage({ kind: 'unreachable', endpoint, reason: reach.unreachable });
  const target: StorageTarget = { ...request.targets.storage, ...identity, endpoint };
  return judgeStorage(await probeStorage(target));
}

async function dbCheck(request: DiagnoseRequest, containers: StackContainers): Promise<CheckResult> {
  const { service, port } = request.targets.services.db;
  const reach = await containers.reach(service);
  if (!('host' in reach)) return judgeDb({ kind: 'unreachable', address: hostPort(service, port), reason: reach.unreachable });
  return judgeDb(await probeDb({ ...request.targets.db, host: reach.host, port }));
}

/** A service's Prometheus metrics, parsed; an error names the address asked (or why there was none). */
async function metricsOfService(service: ServicePort, containers: StackContainers) {
  const { url, reach } = await urlOf(service, containers);
  const metricsUrl = `${url}/metrics`;
  if (!('host' in reach)) throw new Error(`${reach.unreachable} at ${metricsUrl}`);
  const answer = await getText(metricsUrl).catch((error: unknown) => {
    throw new Error(`${reasonOf(error)} at ${metricsUrl}`);
  });
  if (answer.status !== 200) throw new Error(`${metricsUrl} answered HTTP ${answer.status}`);
  return parseMetricsText(answer.text);
}

/** The host's CPU over one `docker stats` sample of the stack's containers (at least a second). */
async function hostCheck(request: DiagnoseRequest, containers: StackContainers): Promise<CheckResult> {
  const ids = await containers.runningIds();
  const before = readProcStat();
  const started = Date.now();
  const [stats] = await Promise.all([
    ids.length === 0 ? Promise.resolve([]) : orError(request.run({ file: request.docker, args: dockerStatsArgs(ids) }, { quiet: true }).then(({ stdout }) => parseDockerStats(stdout))),
    sleep(1000),
  ]);
  const seen: HostObservation = {
    busyPercent: busyPercent(before, readProcStat()),
    cpus: cpus().length,
    seconds: (Date.now() - started) / 1000,
    containers: stats,
    maxBusyPercent: request.maxCpuBusyPercent ?? THRESHOLDS.cpuBusyPercent,
  };
  return judgeHost(seen);
}

async function dataPaths(request: DiagnoseRequest): Promise<string[]> {
  // The Docker data root holds the volumes (database, object storage, Prometheus); / holds the rest.
  const info = await request.run({ file: request.docker, args: ['info', '--format', '{{.DockerRootDir}}'] }, { quiet: true }).catch(() => undefined);
  const root = info?.stdout.trim();
  return [...(root && existsSync(root) ? [root] : []), '/'];
}

async function check(name: CheckName, request: DiagnoseRequest, containers: StackContainers, identity: { accessKeyId: string; secretAccessKey: Secret }, now: number): Promise<CheckResult[]> {
  const { services } = request.targets;
  switch (name) {
    case 'db':
      return [await dbCheck(request, containers)];
    case 'storage':
      return [await storageCheck(request, identity, containers)];
    case 'edge':
      return edgeCheck(request, containers, now);
    case 'backend':
      return [await backendCheck(request, containers)];
    case 'disk':
      return [judgeDisk({ filesystems: probeDisk(await dataPaths(request)), maxUsedPercent: request.maxDiskUsedPercent ?? THRESHOLDS.diskUsedPercent })];
    case 'host':
      return [await hostCheck(request, containers)];
    case 'tunnel': {
      const container = await containers.state('cloudflared');
      const metrics = container.kind === 'present' && container.state === 'running' ? await orError(metricsOfService(services.tunnelMetrics, containers).then((samples) => ({ haConnections: sampleValue(samples, 'cloudflared_tunnel_ha_connections') }))) : undefined;
      return [judgeTunnel({ container, metrics })];
    }
    case 'backup': {
      const container = await containers.state('backup');
      const metrics =
        container.kind === 'present' && container.state === 'running'
          ? await orError(
              metricsOfService(services.backupMetrics, containers).then((samples) => ({
                lastSuccessSeconds: sampleValue(samples, 'satvach_backup_last_success_timestamp_seconds') ?? 0,
                lastRunSuccess: sampleValue(samples, 'satvach_backup_last_run_success'),
                failures: sampleValue(samples, 'satvach_backup_runs_total', { result: 'failure' }) ?? 0,
              })),
            )
          : undefined;
      return [judgeBackup({ container, metrics, now: now / 1000, maxAgeSeconds: (request.maxBackupAgeHours ?? THRESHOLDS.backupStaleSeconds / 3600) * 3600 })];
    }
  }
}

/** Runs the asked checks (all by default) against the running stack, in CHECKS order. */
export async function diagnose(request: DiagnoseRequest): Promise<CheckResult[]> {
  const containers = new StackContainers(request.run, request.docker, request.projectName);
  const now = (request.now ?? Date.now)();
  const names = request.checks.length === 0 ? CHECKS : CHECKS.filter((name) => request.checks.includes(name));
  // Read before any probe runs, whichever checks are asked (any server may echo it), so the key the
  // backend really signs with is redacted like the env's.
  const identity = await identityOfTheBackend(request.targets, containers);
  const results = await Promise.all(names.map((name) => check(name, request, containers, identity, now)));
  // The probes' words come from servers and libraries: redacted, so no secret can reach the table.
  const redact = createRedactor([...request.secrets, identity.secretAccessKey.reveal()]);
  return results.flat().map((result) => ({ ...result, evidence: redact(result.evidence) }));
}

/** The one table `stack:diagnose` prints. */
export function renderResults(results: readonly CheckResult[]): string {
  return formatTable([['CHECK', 'STATUS', 'EVIDENCE', 'RUNBOOK'], ...results.map((result) => [result.check, result.status, result.evidence, result.runbook])]);
}
