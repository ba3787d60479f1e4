import { existsSync, readFileSync, statSync } from 'node:fs';
import { type Clock, formatTable, type Logger, pollUntil, systemClock } from '@satvach/exec';
import { type AnalysisConfig, type Colour, containerNameOf, type DeployConfig, healthUrl, lockFileOf, otherColour, stateFileOf, upstreamFileOf } from './config.ts';
import { analyseWindow, parseEdgeLog, portOf, type WindowAnalysis } from './analysis.ts';
import type { DockerHost, ImageFacts } from './docker.ts';
import { envFileProblems } from './envfile.ts';
import { describeShares, EdgeConfigError, renderShares, type Shares, switchUpstream } from './edge.ts';
import { acquireLock } from './lock.ts';
import { type Candidate, type DeployState, isReleaseName, loadState, type Release, releaseOfCandidate, saveState, withEvent } from './state.ts';

export type Strategy = 'blue-green' | 'canary';

export class DeployError extends Error {
  override name = 'DeployError';
}

export interface DeployDeps {
  readonly docker: DockerHost;
  readonly log: Logger;
  /** The time recorded in the state file and canary windows. */
  readonly now?: () => Date;
  /** The time health checks, drains and canary windows wait on. */
  readonly clock?: Clock;
  /** Runs the pre-deploy backup (the backup executor); required when `backup` is asked for. */
  readonly backup?: () => Promise<void>;
}

export interface DeployRequest {
  readonly strategy: Strategy;
  readonly image: string;
  /** Shown in responses (X-Satvach-Release) and the state; defaults to the image reference. */
  readonly release?: string;
  readonly dryRun?: boolean;
  readonly backup?: boolean;
  readonly breakStaleLock?: boolean;
}

export interface DeployResult {
  readonly outcome: 'deployed' | 'promoted' | 'rolled-back' | 'unchanged' | 'planned';
  readonly state: DeployState;
  /** Canary only: every analysis window, in order. */
  readonly windows: readonly WindowAnalysis[];
  /** Canary rollbacks: seconds from the start of the first failed window (or of the window that ended the canary) to traffic being back on stable. */
  readonly rollbackSeconds?: number;
  readonly switchSeconds?: number;
}

interface Context {
  readonly config: DeployConfig;
  readonly docker: DockerHost;
  readonly log: Logger;
  readonly now: () => Date;
  readonly clock: Clock;
}

function contextOf(config: DeployConfig, deps: DeployDeps): Context {
  return {
    config,
    docker: deps.docker,
    log: deps.log,
    now: deps.now ?? (() => new Date()),
    clock: deps.clock ?? systemClock,
  };
}

const servingLine = (state: DeployState) => (state.serving ? `${state.serving.colour} (${state.serving.release})` : 'nothing yet');

async function withLock<T>(ctx: Context, command: string, breakStale: boolean | undefined, body: () => Promise<T>): Promise<T> {
  const lock = acquireLock(lockFileOf(ctx.config), command, { breakStale, log: ctx.log });
  try {
    return await body();
  } finally {
    lock.release();
  }
}

async function resolveImage(ctx: Context, ref: string, serving: string): Promise<ImageFacts> {
  const local = await ctx.docker.inspectImage(ref);
  if (local !== undefined) return local;
  ctx.log.info(`pulling ${ref}`);
  try {
    await ctx.docker.pull(ref);
  } catch (error) {
    throw new DeployError(`image ${ref} is unknown: it is not on this host and pulling it failed (${(error as Error).message.split('\n')[0]}); traffic stays on ${serving}`);
  }
  const pulled = await ctx.docker.inspectImage(ref);
  if (pulled === undefined) throw new DeployError(`image ${ref} was pulled but cannot be inspected; traffic stays on ${serving}`);
  return pulled;
}

interface Probe {
  readonly healthy: boolean;
  readonly detail: string;
}

async function probe(url: string): Promise<Probe> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(2000) });
    const body = (await response.text()).slice(0, 300);
    return { healthy: response.ok, detail: `HTTP ${response.status} ${body}` };
  } catch (error) {
    return { healthy: false, detail: (error as Error).cause instanceof Error ? ((error as Error).cause as Error).message : (error as Error).message };
  }
}

/** Waits for `healthyStreak` 2xx answers in a row; fails fast when the container exits. */
async function waitHealthy(ctx: Context, colour: Colour): Promise<void> {
  const { health } = ctx.config;
  const name = containerNameOf(ctx.config, colour);
  const url = healthUrl(ctx.config, colour);
  let streak = 0;
  let last = 'no answer yet';
  const healthy = await pollUntil(async () => {
    const result = await probe(url);
    last = result.detail;
    streak = result.healthy ? streak + 1 : 0;
    if (streak >= health.healthyStreak) return true;
    const container = await ctx.docker.container(name);
    if (container?.running !== true) {
      const logs = await ctx.docker.logsTail(name, 20);
      throw new DeployError(`${name} stopped before it became healthy (${container?.status ?? 'gone'}, exit code ${container?.exitCode ?? '?'}); its last log lines:\n${logs}`);
    }
    return undefined;
  }, { timeoutMs: health.timeoutSeconds * 1000, intervalMs: health.intervalMs, clock: ctx.clock });
  if (healthy === undefined) {
    const logs = await ctx.docker.logsTail(name, 20);
    throw new DeployError(`${name} did not become healthy within ${health.timeoutSeconds} s (last answer from ${url}: ${last}); its last log lines:\n${logs}`);
  }
}

/** The env file docker reads for the colour: present, private, and without a line docker would quote back in an error. */
function requireEnvFile(ctx: Context, state: DeployState): void {
  const file = ctx.config.envFile;
  if (!existsSync(file)) {
    throw new DeployError(`the service env file ${file} (envFile in the deploy config) does not exist; create it (runbooks/deploy/README.md, "Setting up a host"); traffic stays on ${servingLine(state)}`);
  }
  const mode = statSync(file).mode & 0o777;
  if ((mode & 0o077) !== 0) {
    throw new DeployError(`the service env file ${file} holds secrets but users other than its owner may read it (mode ${mode.toString(8).padStart(4, '0')}): run \`chmod 600 ${file}\`; traffic stays on ${servingLine(state)}`);
  }
  const problems = envFileProblems(readFileSync(file));
  if (problems.length > 0) {
    throw new DeployError(`the service env file ${file} has lines docker --env-file refuses (their content is not shown: it may be a secret):\n${problems.map((problem) => `  ${problem}`).join('\n')}\nnothing was started; traffic stays on ${servingLine(state)}`);
  }
}

/** Starts `imageId` as `colour` and waits for its health; on failure the container is removed and the error says traffic did not move. */
async function startCandidate(ctx: Context, colour: Colour, facts: ImageFacts, release: string, state: DeployState): Promise<void> {
  const name = containerNameOf(ctx.config, colour);
  requireEnvFile(ctx, state);
  await ctx.docker.remove(name);
  ctx.log.info(`starting ${name} from ${facts.id.slice(0, 19)} (release ${release}) on 127.0.0.1:${ctx.config.colours[colour].hostPort}`);
  try {
    await ctx.docker.start(ctx.config, { colour, imageId: facts.id, release });
    await waitHealthy(ctx, colour);
  } catch (error) {
    await ctx.docker.remove(name);
    throw new DeployError(`${(error as Error).message}\n${name} got no traffic and was removed; traffic stays on ${servingLine(state)}`);
  }
  ctx.log.info(`${name} is healthy`);
}

function releaseOf(ctx: Context, colour: Colour, image: string, facts: ImageFacts, release: string): Release {
  return { colour, image, imageId: facts.id, ...(facts.digest === undefined ? {} : { digest: facts.digest }), release, startedAt: ctx.now().toISOString() };
}

function releasesByColour(...releases: (Release | null | undefined)[]): Partial<Record<Colour, string>> {
  return Object.fromEntries(releases.filter((release) => release != null).map((release) => [release.colour, release.release]));
}

async function applyShares(ctx: Context, shares: Shares, releases: Partial<Record<Colour, string>>): Promise<void> {
  const outcome = await switchUpstream(ctx.config, ctx.docker, renderShares(ctx.config, shares, releases));
  if (outcome === 'edge-not-running') {
    ctx.log.info(`the edge ${ctx.config.edge.container} is not running: ${upstreamFileOf(ctx.config)} now sends ${describeShares(shares)}, which it loads when it starts`);
  } else {
    ctx.log.info(`edge reloaded: ${describeShares(shares)}`);
  }
}

/** Watches the edge's log until `colour` has had no request for `drainQuietSeconds` (it stays running). */
async function drain(ctx: Context, colour: Colour, since: Date): Promise<void> {
  const { drainTimeoutSeconds, drainQuietSeconds, container } = ctx.config.edge;
  if ((await ctx.docker.container(container))?.running !== true) return;
  const port = ctx.config.colours[colour].hostPort;
  let lastAt = since.getTime();
  let finished = 0;
  let readFrom = since;
  await ctx.clock.sleep(DRAIN_POLL_MS);
  const drained = await pollUntil(async () => {
    // Each poll reads only the log lines since the last one.
    const readTo = new Date();
    const requests = parseEdgeLog(await ctx.docker.logsSince(container, readFrom, readTo)).filter((request) => portOf(request.upstream) === port);
    readFrom = readTo;
    finished += requests.length;
    lastAt = Math.max(lastAt, ...requests.map((request) => request.at));
    // The log's times have whole seconds; one more second keeps a request in that second from being missed.
    return ctx.clock.now() - lastAt >= (drainQuietSeconds + 1) * 1000 ? true : undefined;
  }, { timeoutMs: since.getTime() + drainTimeoutSeconds * 1000 - ctx.clock.now(), intervalMs: DRAIN_POLL_MS, clock: ctx.clock });
  if (drained) ctx.log.info(`${colour} drained (${finished} request(s) finished after the switch); it keeps running for rollback`);
  else ctx.log.warn(`${colour} still had requests ${drainTimeoutSeconds} s after the switch; it keeps running`);
}

const DRAIN_POLL_MS = 500;

function planLines(ctx: Context, request: DeployRequest, state: DeployState, colour: Colour, facts: ImageFacts | undefined, release: string): string[] {
  const { config } = ctx;
  const name = containerNameOf(config, colour);
  const releases = { ...releasesByColour(state.serving), [colour]: release };
  const lines = [`plan: ${request.strategy} deploy of ${request.image} (${facts?.id ?? 'pulled first'}) as release ${release}`];
  if (request.backup) lines.push(`  - run ${config.backupTarget} (pre-deploy backup); stop if it fails`);
  lines.push(
    `  - replace ${name} (now ${state.previous?.colour === colour ? `previous: ${state.previous.release}` : 'idle'}) with the new version on 127.0.0.1:${config.colours[colour].hostPort}`,
    `  - wait for ${healthUrl(config, colour)}: ${config.health.healthyStreak} × 2xx in a row within ${config.health.timeoutSeconds} s, else remove it and stop`,
  );
  const steps = request.strategy === 'blue-green' || state.serving === null ? [100] : config.canary.steps;
  for (const step of steps) {
    const shares: Shares = step === 100 ? { [colour]: 100 } : { [state.serving!.colour]: 100 - step, [colour]: step };
    lines.push(`  - write ${upstreamFileOf(config)}, nginx -t and reload ${config.edge.container}: ${describeShares(shares)}`);
    if (step < 100) {
      const { intervalSeconds, checksPerStep, minRequests, maxFailedChecks } = config.canary.analysis;
      lines.push(`    analyse ${checksPerStep} × ${intervalSeconds} s windows (≥ ${minRequests} canary requests each); ${maxFailedChecks} failed window(s) roll back`);
    }
    lines.push(...renderShares(config, shares, releases).trimEnd().split('\n').map((line) => `      ${line}`));
  }
  if (state.serving) lines.push(`  - drain ${state.serving.colour} (at most ${config.edge.drainTimeoutSeconds} s); it keeps running for rollback`);
  lines.push(`  - record in ${stateFileOf(config)}: serving ${colour}${state.serving ? `, previous ${state.serving.colour}` : ''}`);
  return lines;
}

export async function deploy(config: DeployConfig, request: DeployRequest, deps: DeployDeps): Promise<DeployResult> {
  const ctx = contextOf(config, deps);
  const release = request.release ?? request.image;
  if (!isReleaseName(release)) {
    throw new DeployError(`release name "${release.slice(0, 140)}" (--release, else the image reference) may hold only A-Z a-z 0-9 . _ : @ / + - and at most 128 characters; nothing was changed`);
  }
  const refuse = (state: DeployState) => {
    if (state.candidate) {
      throw new DeployError(`a ${state.candidate.strategy} of ${state.candidate.release} is unfinished (${state.candidate.weight} % of traffic): run \`nx run backend:promote\` or \`nx run backend:rollback\` first`);
    }
    if (request.strategy === 'canary' && state.serving === null) {
      throw new DeployError('a canary needs a serving version to compare with; deploy the first version with --strategy=blue-green');
    }
    requireEnvFile(ctx, state);
  };
  if (request.dryRun) {
    const state = loadState(stateFileOf(config), ctx.now());
    refuse(state);
    const colour = state.serving ? otherColour(state.serving.colour) : 'blue';
    const facts = await ctx.docker.inspectImage(request.image);
    for (const line of planLines(ctx, request, state, colour, facts, release)) ctx.log.info(line);
    return { outcome: 'planned', state, windows: [] };
  }
  return withLock(ctx, `deploy --strategy=${request.strategy} --image=${request.image}`, request.breakStaleLock, async () => {
    let state = loadState(stateFileOf(config), ctx.now());
    refuse(state);
    const facts = await resolveImage(ctx, request.image, servingLine(state));
    if (state.serving?.imageId === facts.id) {
      ctx.log.info(`${request.image} (${facts.id}) is already serving on ${state.serving.colour}; nothing to do`);
      return { outcome: 'unchanged', state, windows: [] };
    }
    const colour = state.serving ? otherColour(state.serving.colour) : 'blue';
    for (const line of planLines(ctx, request, state, colour, facts, release)) ctx.log.info(line);
    if (request.backup) {
      if (deps.backup === undefined) throw new DeployError(`--backup was asked for but ${config.backupTarget} is not available here; traffic stays on ${servingLine(state)}`);
      ctx.log.info(`pre-deploy backup: ${config.backupTarget}`);
      await deps.backup();
    }
    // The idle colour holds the previous release; replacing it ends that rollback target.
    if (state.previous?.colour === colour) state = saveState(stateFileOf(config), { ...state, previous: null }, ctx.now());
    await startCandidate(ctx, colour, facts, release, state);
    const candidate: Candidate = { ...releaseOf(ctx, colour, request.image, facts, release), strategy: request.strategy, weight: 0 };
    // Recorded before any switch: if this process dies mid-way, `rollback` or `promote` finishes the job.
    state = saveState(stateFileOf(config), { ...state, candidate }, ctx.now());
    try {
      if (request.strategy === 'blue-green') return await completeSwitch(ctx, state, releaseOfCandidate(candidate), 'deployed', `blue-green to ${colour}`);
      return await runCanary(ctx, state, candidate);
    } catch (error) {
      throw await recoverFromFailedSwitch(ctx, colour, error as Error);
    }
  });
}

/**
 * After a failure past the candidate's start: a candidate without traffic is removed; one with a
 * share loses it (the canary is rolled back) so nothing unwatched keeps serving users.
 */
async function recoverFromFailedSwitch(ctx: Context, colour: Colour, error: Error): Promise<Error> {
  const state = loadState(stateFileOf(ctx.config), ctx.now());
  const name = containerNameOf(ctx.config, colour);
  if (state.candidate === null) return error;
  if (state.candidate.weight === 0 && error instanceof EdgeConfigError) {
    await ctx.docker.remove(name);
    saveState(stateFileOf(ctx.config), { ...state, candidate: null }, ctx.now());
    return new DeployError(`${error.message}\n${name} got no traffic and was removed; traffic stays on ${servingLine(state)}`);
  }
  if (state.serving === null) return new DeployError(`${error.message}\nthe first deploy is unfinished: run \`nx run backend:promote\` once the cause is fixed`);
  try {
    await abortCanary(ctx, state, state.candidate, [], 'aborted', `the deploy failed: ${error.message.split('\n')[0]}`, ctx.now());
    return new DeployError(`${error.message}\nthe candidate's share was taken back; traffic is on ${servingLine(state)}`);
  } catch (rollbackError) {
    return new DeployError(`${error.message}\nand taking the candidate's share back failed too (${(rollbackError as Error).message.split('\n')[0]}): run \`nx run backend:rollback\``);
  }
}

/** All traffic to `next`; the serving version becomes previous, drained but kept running (so `rollback` undoes this). */
async function completeSwitch(ctx: Context, state: DeployState, next: Release, action: 'deployed' | 'promoted' | 'rolled-back', detail: string): Promise<DeployResult> {
  const started = ctx.now();
  await applyShares(ctx, { [next.colour]: 100 }, releasesByColour(next));
  const switchSeconds = (ctx.now().getTime() - started.getTime()) / 1000;
  let updated: DeployState = { ...state, serving: next, previous: state.serving, candidate: null };
  updated = saveState(stateFileOf(ctx.config), withEvent(updated, { at: ctx.now().toISOString(), action, release: next.release, detail }), ctx.now());
  if (state.serving) await drain(ctx, state.serving.colour, started);
  ctx.log.info(`serving ${next.colour}: ${next.release}${state.serving ? `; rollback returns to ${state.serving.colour}: ${state.serving.release}` : ''}`);
  return { outcome: action, state: updated, windows: [], switchSeconds };
}

async function runCanary(ctx: Context, initial: DeployState, candidate: Candidate): Promise<DeployResult> {
  const stable = initial.serving!;
  const limits: AnalysisConfig = ctx.config.canary.analysis;
  const ports = { stable: ctx.config.colours[stable.colour].hostPort, canary: ctx.config.colours[candidate.colour].hostPort };
  const releases = releasesByColour(stable, candidate);
  const windows: WindowAnalysis[] = [];
  let state = initial;
  let failed = 0;
  let firstFailureAt: Date | undefined;
  for (const step of ctx.config.canary.steps) {
    if (step === 100) break;
    await applyShares(ctx, { [stable.colour]: 100 - step, [candidate.colour]: step }, releases);
    state = saveState(stateFileOf(ctx.config), { ...state, candidate: { ...candidate, weight: step } }, ctx.now());
    let passed = 0;
    let extensions = 0;
    let from = ctx.now();
    while (passed < limits.checksPerStep) {
      await ctx.clock.sleep(limits.intervalSeconds * 1000);
      const analysis = analyseWindow(parseEdgeLog(await ctx.docker.logsSince(ctx.config.edge.container, from)), ports, limits, step);
      windows.push(analysis);
      ctx.log.info(`canary ${step} %: ${analysis.verdict} — ${analysis.reasons.join('; ')}`);
      if (analysis.verdict === 'insufficient') {
        // Too little traffic: the same window grows by another interval, up to maxExtensions times.
        if (++extensions > limits.maxExtensions) {
          return abortCanary(ctx, state, candidate, windows, 'aborted', `not enough traffic to judge: fewer than ${limits.minRequests} canary requests in ${extensions * limits.intervalSeconds} s at ${step} %; never promoted on no data`, from);
        }
        continue;
      }
      if (analysis.verdict === 'pass') passed++;
      else {
        firstFailureAt ??= from;
        if (++failed >= limits.maxFailedChecks) {
          return abortCanary(ctx, state, candidate, windows, 'rolled-back', `${failed} failed analysis window(s) at ${step} %: ${analysis.reasons.join('; ')}`, firstFailureAt);
        }
      }
      extensions = 0;
      from = ctx.now();
    }
  }
  const promoted = await completeSwitch(ctx, state, releaseOfCandidate(candidate), 'promoted', `canary through ${ctx.config.canary.steps.join(' → ')} %`);
  return { ...promoted, windows };
}

async function abortCanary(ctx: Context, state: DeployState, candidate: Candidate, windows: WindowAnalysis[], action: 'rolled-back' | 'aborted', reason: string, since: Date): Promise<DeployResult> {
  const stable = state.serving!;
  ctx.log.info(`rolling back the canary ${candidate.release}: ${reason}`);
  await applyShares(ctx, { [stable.colour]: 100 }, releasesByColour(stable));
  const rollbackSeconds = (ctx.now().getTime() - since.getTime()) / 1000;
  const updated = saveState(stateFileOf(ctx.config), withEvent({ ...state, candidate: null }, { at: ctx.now().toISOString(), action, release: candidate.release, detail: reason }), ctx.now());
  await drain(ctx, candidate.colour, ctx.now());
  await ctx.docker.stop(containerNameOf(ctx.config, candidate.colour)).catch(() => undefined);
  ctx.log.info(`traffic is back on ${stable.colour} (${stable.release}) ${rollbackSeconds.toFixed(1)} s after the first failed window; ${containerNameOf(ctx.config, candidate.colour)} is stopped, its logs kept (docker logs)`);
  return { outcome: 'rolled-back', state: updated, windows, rollbackSeconds };
}

export interface CommandOptions {
  readonly breakStaleLock?: boolean;
}

/** Finishes an interrupted deploy (blue-green or canary): all traffic to the candidate, no analysis. */
export async function promote(config: DeployConfig, deps: DeployDeps, options: CommandOptions = {}): Promise<DeployResult> {
  const ctx = contextOf(config, deps);
  return withLock(ctx, 'promote', options.breakStaleLock, async () => {
    const state = loadState(stateFileOf(config), ctx.now());
    const candidate = state.candidate;
    if (candidate === null) throw new DeployError(`nothing to promote: no canary is unfinished (serving ${servingLine(state)})`);
    await waitHealthy(ctx, candidate.colour).catch((error: Error) => {
      throw new DeployError(`the candidate ${candidate.release} on ${candidate.colour} is not healthy, so it is not promoted: ${error.message}\nrun \`nx run backend:rollback\``);
    });
    return completeSwitch(ctx, state, releaseOfCandidate(candidate), 'promoted', 'promoted by hand');
  });
}

/**
 * One command, one reload: an unfinished canary loses its share; otherwise traffic goes back to the
 * previous version (restarted first if it was stopped, and only once it is healthy).
 */
export async function rollback(config: DeployConfig, deps: DeployDeps, options: CommandOptions = {}): Promise<DeployResult> {
  const ctx = contextOf(config, deps);
  return withLock(ctx, 'rollback', options.breakStaleLock, async () => {
    const state = loadState(stateFileOf(config), ctx.now());
    if (state.candidate && state.serving === null) {
      throw new DeployError(`the interrupted first deploy of ${state.candidate.release} has no earlier version to return to: finish it with \`nx run backend:promote\``);
    }
    if (state.candidate) {
      return abortCanary(ctx, state, state.candidate, [], 'rolled-back', 'rolled back by hand', ctx.now());
    }
    const target = state.previous;
    if (target === null || state.serving === null) throw new DeployError(`nothing to roll back to: no previous version is recorded (serving ${servingLine(state)})`);
    const name = containerNameOf(config, target.colour);
    const container = await ctx.docker.container(name);
    if (container?.imageId !== target.imageId) {
      ctx.log.info(`${name} does not run ${target.release} any more; starting it again from ${target.imageId.slice(0, 19)}`);
      await startCandidate(ctx, target.colour, { id: target.imageId, digest: target.digest }, target.release, state);
    } else {
      if (!container.running) {
        ctx.log.info(`${name} is stopped; starting it`);
        await ctx.docker.startAgain(name);
      }
      await waitHealthy(ctx, target.colour).catch((error: Error) => {
        throw new DeployError(`${error.message}\nthe previous version is not healthy, so traffic stays on ${servingLine(state)}`);
      });
    }
    return completeSwitch(ctx, state, target, 'rolled-back', `from ${state.serving.release}`);
  });
}

/** The state record next to what is really running, and anything that disagrees. */
export async function status(config: DeployConfig, deps: DeployDeps): Promise<{ state: DeployState; problems: string[]; lines: string[] }> {
  const ctx = contextOf(config, deps);
  const state = loadState(stateFileOf(config), ctx.now());
  const rows: string[][] = [];
  const problems: string[] = [];
  for (const [role, release] of [['serving', state.serving], ['previous', state.previous], ['candidate', state.candidate]] as const) {
    if (release === null) {
      rows.push([role, '-']);
      continue;
    }
    const name = containerNameOf(config, release.colour);
    const container = await ctx.docker.container(name);
    const live = container === undefined ? 'container missing' : container.imageId !== release.imageId ? `runs another image (${container.imageId.slice(0, 19)})` : container.status;
    const weight = role === 'candidate' && state.candidate ? `, ${state.candidate.weight} % of traffic` : '';
    rows.push([role, release.colour, release.release, release.imageId.slice(0, 19), `since ${release.startedAt}`, `[${live}${weight}]`]);
    if (role !== 'previous' && live !== 'running') problems.push(`${role} ${release.release}: ${name} ${live}`);
  }
  const file = upstreamFileOf(config);
  if (state.serving) {
    const shares: Shares = state.candidate
      ? { [state.serving.colour]: 100 - state.candidate.weight, [state.candidate.colour]: state.candidate.weight }
      : { [state.serving.colour]: 100 };
    const expected = renderShares(config, shares, releasesByColour(state.serving, state.candidate));
    const actual = existsSync(file) ? readFileSync(file, 'utf8') : undefined;
    if (actual !== expected) problems.push(`${file} does not send ${describeShares(shares)} as the state says; \`nx run backend:rollback\` or a new deploy rewrites it`);
    rows.push(['edge', `${config.edge.container}: ${describeShares(shares)} (${file})`]);
  }
  if (existsSync(lockFileOf(config))) rows.push(['lock', `held: ${readFileSync(lockFileOf(config), 'utf8').trim()}`]);
  for (const event of state.history.slice(-5)) rows.push(['history', `${event.at} ${event.action} ${event.release}: ${event.detail}`]);
  return { state, problems, lines: formatTable(rows).split('\n') };
}
