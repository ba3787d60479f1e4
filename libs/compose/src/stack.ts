import { chmodSync, existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { type Clock, CommandFailedError, type Logger, pollUntil, type RunFn, systemClock } from '@satvach/exec';
import { loadRotation } from '@satvach/oncall';
import { composeArgv, type ComposeProject, detectComposeFlavor } from './argv.ts';
import { appendSecrets, ensureEnvFile, loadStackEnv, missingSecrets, type StackEnv } from './env.ts';
import { toHostNetwork } from './host-network.ts';
import { hostPorts, isPortFree, portsInUseMessage, takenPorts } from './ports.ts';
import { monitoringDirPath, renderMonitoringFiles, writeMonitoringFiles } from './monitoring.ts';
import { configCheckArgv, parseReloadMetrics, reloadMetricsArgv, reloadOutcome, reloadSignalArgv, type ReloadTarget, reloadTargets } from './reload.ts';
import { type ContainerState, judge, planFromConfig, renderTable, type ServiceStatus } from './status.ts';

/** The library's Logger plus the live status table. */
export interface StackOutput extends Logger {
  /**
   * Shows the live status table: redrawn in place on a TTY; elsewhere printed when `states` (the
   * table without the ticking seconds) changes.
   */
  table(text: string, states: string): void;
}

/** Which stack: its compose project name, where its rendered config is kept, the docker client. */
export interface StackRef {
  projectName: string;
  /** Where the rendered config (it holds secrets: mode 0600) is kept for later `down`. */
  stateDir: string;
  docker: string;
}

export interface StackUpRequest extends StackRef {
  /** Compose files, absolute, base first. */
  files: string[];
  profiles: string[];
  envFile: string;
  exampleFile: string;
  /** What relative paths in the env (SATVACH_ONCALL_ROTATION) are resolved against. */
  workspaceRoot: string;
  processEnv: Readonly<Record<string, string | undefined>>;
  /** Images the stack runs; the executor builds them or takes them from options. */
  images: { SATVACH_BACKEND_IMAGE: string; SATVACH_EDGE_IMAGE: string; SATVACH_BACKUP_IMAGE?: string; SATVACH_LOGS_SHIPPER_IMAGE?: string };
  hostNetwork: boolean;
  timeoutMs: number;
  randomSecret: () => string;
  /** The time the health wait runs on; injectable so tests pass the deadline without waiting for it. */
  clock?: Clock;
  isPortFree?: (host: string, port: number) => Promise<boolean>;
}

export const renderedConfigPath = (stateDir: string, projectName: string) => join(stateDir, `${projectName}.compose.yml`);

/**
 * Writes a file that holds secrets: a new file created 0600 (so no byte is ever readable by others,
 * whatever mode an older file had), renamed over the old one, in a directory only the owner can enter.
 */
function writePrivateFile(file: string, text: string): void {
  const dir = dirname(file);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700);
  const temporary = `${file}.${process.pid}.tmp`;
  rmSync(temporary, { force: true });
  try {
    writeFileSync(temporary, text, { mode: 0o600, flag: 'wx' });
    renameSync(temporary, file);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw error;
  }
}

async function containersOf(run: RunFn, docker: string, projectName: string): Promise<ContainerState[]> {
  const ids = (await run({ file: docker, args: ['ps', '-aq', '--filter', `label=com.docker.compose.project=${projectName}`] }, { quiet: true })).stdout
    .split('\n')
    .filter(Boolean);
  if (ids.length === 0) return [];
  try {
    return JSON.parse((await run({ file: docker, args: ['inspect', ...ids] }, { quiet: true })).stdout) as ContainerState[];
  } catch (error) {
    // A container may go between `ps` and `inspect` (compose replacing it): docker then prints the
    // others and exits 1. The next poll sees the replacement.
    if (error instanceof CommandFailedError && error.stderr.split('\n').every((line) => line.trim() === '' || /No such object/.test(line))) {
      return JSON.parse(error.stdout || '[]') as ContainerState[];
    }
    throw error;
  }
}

export class StackFailedError extends Error {
  override readonly name = 'StackFailedError';
}

/**
 * Validates the environment (nothing starts when it is wrong), renders and keeps the config, starts
 * the stack and waits until every service is healthy and every job has exited 0, showing a live
 * table. On failure, the failing services' last log lines are in the error.
 */
export async function stackUp(request: StackUpRequest, run: RunFn, out: StackOutput): Promise<{ statuses: ServiceStatus[]; env: StackEnv }> {
  const generated = ensureEnvFile(request.envFile, request.exampleFile, request.randomSecret);
  if (generated) out.info(`created ${request.envFile} from ${request.exampleFile}, with generated ${generated.join(', ')}`);
  // Secrets added to the example since the file was made: generated, and written only once the whole env is valid.
  const added = Object.fromEntries((generated ? [] : missingSecrets(request.envFile, request.exampleFile, request.processEnv)).map((key) => [key, request.randomSecret()]));
  const loaded = loadStackEnv({ envFile: request.envFile, processEnv: { ...request.processEnv, ...added }, profiles: request.profiles });
  // Read and validated before anything is written or started: a broken rotation must not leave a stack without pages.
  const rotation = request.profiles.includes('monitoring') ? loadRotation(resolve(request.workspaceRoot, loaded.env.SATVACH_ONCALL_ROTATION)) : undefined;
  if (Object.keys(added).length > 0) {
    appendSecrets(request.envFile, added);
    out.info(`added generated ${Object.keys(added).join(', ')} to ${request.envFile} (new since it was created)`);
  }
  const monitoringDir = monitoringDirPath(request.stateDir, request.projectName);
  const env = { ...loaded.composeEnv, ...request.images, SATVACH_MONITORING_DIR: monitoringDir };
  const secrets = loaded.secrets;

  const flavor = await detectComposeFlavor(run, request.docker);
  const source: ComposeProject = { flavor, docker: request.docker, files: request.files, projectName: request.projectName, profiles: request.profiles };
  // The secrets reach compose as env (never argv) and are redacted from its messages; the rendered
  // YAML holds them (redacting would corrupt it), so it goes only into a 0600 file.
  const rendered = (await run({ ...composeArgv(source, 'config'), env }, { quiet: true, rawStdout: true })).stdout;
  const plan = planFromConfig(rendered, request.profiles);
  const configFile = renderedConfigPath(request.stateDir, request.projectName);
  const config = request.hostNetwork ? toHostNetwork(rendered) : rendered;
  writePrivateFile(configFile, config);
  if (rotation) writeMonitoringFiles(monitoringDir, renderMonitoringFiles(rendered, request.profiles, loaded.env, new Date(), rotation));
  const project: ComposeProject = { ...source, files: [configFile] };

  // A port held by another program would fail one container minutes in, with a message about
  // binding; checked first, it names the port and the setting that moves it before anything starts.
  const running = new Set((await containersOf(run, request.docker, request.projectName)).filter((c) => c.State.Status === 'running').map((c) => c.Config.Labels['com.docker.compose.service'] ?? ''));
  const taken = await takenPorts(hostPorts(config), running, request.isPortFree ?? isPortFree);
  if (taken.length > 0) throw new StackFailedError(portsInUseMessage(taken, request.envFile));

  out.info(`starting ${request.projectName} with ${flavor === 'v2' ? 'docker compose' : 'docker-compose 1.29'}${request.hostNetwork ? ' on the host network' : ''}`);
  const clock = request.clock ?? systemClock;
  const started = clock.now();
  let upError: unknown;
  let upDone = false;
  const up = run({ ...composeArgv(project, 'up', '-d', '--remove-orphans'), secrets }, { quiet: true }).then(
    () => { upDone = true; },
    (error: unknown) => { upDone = true; upError = error; },
  );

  const readyAfter = new Map<string, number>();
  let statuses: ServiceStatus[] = [];
  try {
    const ready = await pollUntil(async () => {
      statuses = judge(plan, await containersOf(run, request.docker, request.projectName));
      const elapsed = (clock.now() - started) / 1000;
      for (const status of statuses) if (status.verdict === 'ready' && !readyAfter.has(status.service)) readyAfter.set(status.service, elapsed);
      out.table(renderTable(statuses, (service) => readyAfter.get(service) ?? elapsed), statuses.map((s) => `${s.service}:${s.state}:${s.health}`).join(' '));
      // While compose up runs, a stopped container may be the old one it is replacing (compose v1
      // stops it, starts the new one, then removes it): only a failure once up is done is the stack's.
      const failed = upDone ? statuses.filter((status) => status.verdict === 'failed') : [];
      if (failed.length > 0) throw new StackFailedError(await failureReport(run, request.docker, failed, secrets));
      if (upDone && upError) throw new StackFailedError(`compose up failed: ${(upError as Error).message}${await failureReport(run, request.docker, statuses.filter((s) => s.verdict !== 'ready'), secrets)}`);
      return upDone && statuses.every((status) => status.verdict === 'ready') ? { statuses, env: loaded.env } : undefined;
    }, { timeoutMs: request.timeoutMs, intervalMs: 1000, clock });
    if (ready !== undefined) {
      // Up kept the running containers; the files written above reach them only through a reload.
      if (rotation) {
        for (const target of reloadTargets(config, plan.services)) await reloadService(run, request.docker, target, ready.statuses, { clock, secrets, out });
      }
      return ready;
    }
    const waiting = statuses.filter((status) => status.verdict !== 'ready');
    throw new StackFailedError(`not healthy after ${request.timeoutMs / 1000} s: ${waiting.map((s) => s.service).join(', ')}${await failureReport(run, request.docker, waiting, secrets)}`);
  } finally {
    await up;
  }
}

/** How long a service may take to report its reload: Prometheus re-reads its rules too. */
const RELOAD_TIMEOUT_MS = 60_000;

/**
 * Sends the service SIGHUP and waits until its metrics report a successful reload later than the
 * last one; a failed reload fails stack:up with the service's own check of its config and its last
 * log lines (it keeps running on the old config).
 */
async function reloadService(run: RunFn, docker: string, target: ReloadTarget, statuses: ServiceStatus[], context: { clock: Clock; secrets: string[]; out: Logger }): Promise<void> {
  const status = statuses.find((candidate) => candidate.service === target.service);
  if (!status?.containerId) return;
  const containerId = status.containerId;
  const metrics = async () => parseReloadMetrics((await run({ ...reloadMetricsArgv(docker, containerId, target), secrets: context.secrets }, { quiet: true })).stdout, target.metricPrefix);
  const before = await metrics();
  if (!before) throw new StackFailedError(`${target.service}: its /metrics on port ${target.port} has no ${target.metricPrefix}_config_last_reload_* metrics, so a reload of its config cannot be confirmed`);
  await run(reloadSignalArgv(docker, containerId), { quiet: true });
  const outcome = await pollUntil(async () => {
    const now = await metrics().catch((error: unknown) => {
      // Answering /metrics while it reloads may fail once; the next poll asks again.
      if (error instanceof CommandFailedError) return undefined;
      throw error;
    });
    return now && reloadOutcome(before, now);
  }, { timeoutMs: RELOAD_TIMEOUT_MS, intervalMs: 500, clock: context.clock });
  if (outcome === 'reloaded') {
    context.out.info(`${target.service} reloaded ${target.configFile}`);
    return;
  }
  const check = await run({ ...configCheckArgv(docker, containerId, target), secrets: context.secrets }, { quiet: true }).catch((error: Error) =>
    error instanceof CommandFailedError ? { stdout: error.stdout, stderr: error.stderr } : { stdout: '', stderr: error.message },
  );
  const why = outcome === 'failed' ? `${target.metricPrefix}_config_last_reload_successful is 0` : `no successful reload reported within ${RELOAD_TIMEOUT_MS / 1000} s`;
  throw new StackFailedError(
    `${target.service} did not reload its config (${why}); it keeps running the old one. Fix the config and run stack:up again.\n` +
      `--- ${target.check(target.configFile).join(' ')} ---\n${`${check.stdout}\n${check.stderr}`.trim()}${await failureReport(run, docker, [status], context.secrets)}`,
  );
}

async function failureReport(run: RunFn, docker: string, services: ServiceStatus[], secrets: string[]): Promise<string> {
  const parts: string[] = [];
  for (const status of services) {
    if (!status.containerId) continue;
    const logs = await run({ file: docker, args: ['logs', '--tail', '30', status.containerId], secrets }, { quiet: true }).catch((error: Error) => ({ stdout: '', stderr: error.message }));
    parts.push(`\n--- ${status.service} (${status.state}, health ${status.health}): last log lines ---\n${`${logs.stdout}\n${logs.stderr}`.trim()}`);
  }
  return parts.join('');
}

/**
 * Stops the stack started by stackUp; volumes (the data) stay unless `removeVolumes`. The rendered
 * config holds the stack's secrets, so it is deleted once the stack is down.
 */
export async function stackDown(request: StackRef & { removeVolumes: boolean }, run: RunFn): Promise<void> {
  const configFile = renderedConfigPath(request.stateDir, request.projectName);
  if (!existsSync(configFile)) {
    throw new Error(`no rendered config of ${request.projectName} at ${configFile}: it was not started by \`nx run stack:up\` from this workspace, or it is already down (see \`docker ps\`)`);
  }
  const flavor = await detectComposeFlavor(run, request.docker);
  const project: ComposeProject = { flavor, docker: request.docker, files: [configFile], projectName: request.projectName };
  await run(composeArgv(project, 'down', '--remove-orphans', ...(request.removeVolumes ? ['--volumes'] : [])));
  rmSync(configFile, { force: true });
  // It holds MinIO's scrape token (and the alert receivers' secrets).
  rmSync(monitoringDirPath(request.stateDir, request.projectName), { recursive: true, force: true });
}
