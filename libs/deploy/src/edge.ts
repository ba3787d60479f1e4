import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { pollUntil } from '@satvach/exec';
import { type Colour, type DeployConfig, upstreamAddress, upstreamFileOf } from './config.ts';
import type { DockerHost } from './docker.ts';
import { renderUpstream } from './upstream.ts';

export class EdgeConfigError extends Error {
  override name = 'EdgeConfigError';
}

/** Traffic shares in percent by colour; a colour left out gets none. */
export type Shares = Partial<Record<Colour, number>>;

export function describeShares(shares: Shares): string {
  return Object.entries(shares)
    .filter(([, weight]) => (weight ?? 0) > 0)
    .map(([colour, weight]) => `${colour} ${weight} %`)
    .join(', ');
}

export function renderShares(config: DeployConfig, shares: Shares, releases: Partial<Record<Colour, string>>): string {
  const colours = Object.keys(shares) as Colour[];
  return renderUpstream({
    name: config.edge.upstreamName,
    keepalive: config.edge.keepalive,
    servers: colours.map((colour) => ({ address: upstreamAddress(config, colour), weight: shares[colour] ?? 0 })),
    comment: [
      'Written by `nx run backend:deploy` (libs/deploy); edits here are overwritten by the next deploy.',
      ...colours.filter((colour) => (shares[colour] ?? 0) > 0).map((colour) => `${colour}: ${releases[colour] ?? '?'} (${shares[colour]} %)`),
    ].join('\n'),
  });
}

export type SwitchOutcome = 'reloaded' | 'edge-not-running';

/**
 * Makes `text` the edge's upstream: written into the running edge, checked by its own `nginx -t`, then
 * a graceful reload (old workers finish their requests) that counts once the old workers have
 * retired. A config nginx rejects, or a reload that does not take, is put back at once. The host copy
 * is renamed into place last, so it always holds what the edge serves.
 */
export async function switchUpstream(config: DeployConfig, docker: DockerHost, text: string): Promise<SwitchOutcome> {
  const copy = upstreamFileOf(config);
  const { container, liveFile } = config.edge;
  mkdirSync(dirname(copy), { recursive: true, mode: 0o755 });
  writeFileSync(`${copy}.tmp`, text, { mode: 0o644 });
  const persist = () => renameSync(`${copy}.tmp`, copy);
  const edge = await docker.container(container);
  if (edge === undefined) {
    throw new EdgeConfigError(`the edge container ${container} (edge.container in the deploy config) does not exist: start the stack in deploy mode (npx nx run stack:up -c production) or fix the name; nothing was switched`);
  }
  if (!edge.running) {
    persist();
    return 'edge-not-running';
  }
  const previous = await docker.exec(container, ['cat', liveFile]);
  const writeLive = (content: string) => docker.exec(container, ['sh', '-c', 'cat >"$1.next" && mv "$1.next" "$1"', 'sh', liveFile], content);
  const restore = async () => {
    if (previous.ok) await writeLive(previous.output.endsWith('\n') ? previous.output : `${previous.output}\n`);
  };
  const written = await writeLive(text);
  if (!written.ok) throw new EdgeConfigError(`cannot write ${liveFile} in ${container}: ${written.output}; nothing was reloaded`);
  const test = await docker.exec(container, ['nginx', '-t']);
  if (!test.ok) {
    await restore();
    throw new EdgeConfigError(`nginx -t in ${container} rejected the new upstream, nothing was reloaded:\n${test.output}\n--- rejected upstream ---\n${text}`);
  }
  const before = await workers(docker, container);
  const reload = await docker.exec(container, ['nginx', '-s', 'reload']);
  if (!reload.ok || !(await reloadTookEffect(docker, container, before))) {
    await restore();
    throw new EdgeConfigError(`nginx in ${container} did not take the new upstream (${reload.ok ? `its old workers were still routing ${RELOAD_TIMEOUT_MS / 1000} s after the reload` : reload.output}); the previous upstream is back in ${liveFile}`);
  }
  persist();
  return 'reloaded';
}

// nginx's worker processes by pid, read from /proc (the edge image has no ps): "worker process", or
// "worker process is shutting down" once a reload has retired it.
const LIST_WORKERS = 'for p in /proc/[0-9]*; do c=$(tr "\\0" " " <"$p/cmdline" 2>/dev/null) || continue; case "$c" in "nginx: worker process"*) echo "${p#/proc/} $c";; esac; done';

export interface WorkerProcess {
  readonly pid: number;
  readonly retiring: boolean;
}

export function parseWorkers(listing: string): WorkerProcess[] {
  return listing
    .split('\n')
    .map((line) => /^(\d+) nginx: worker process( is shutting down)?/.exec(line.trim()))
    .filter((match) => match !== null)
    .map((match) => ({ pid: Number(match[1]), retiring: match[2] !== undefined }));
}

async function workers(docker: DockerHost, container: string): Promise<WorkerProcess[]> {
  const listing = await docker.exec(container, ['sh', '-c', LIST_WORKERS]);
  return listing.ok ? parseWorkers(listing.output) : [];
}

/** A reload has taken effect when new workers run and every old one is gone or retiring: from then on, no request is routed by the old upstream. */
export function reloadSettled(before: readonly WorkerProcess[], now: readonly WorkerProcess[]): boolean {
  const old = new Set(before.map((worker) => worker.pid));
  const fresh = now.filter((worker) => !old.has(worker.pid) && !worker.retiring);
  return fresh.length > 0 && now.every((worker) => !old.has(worker.pid) || worker.retiring);
}

async function reloadTookEffect(docker: DockerHost, container: string, before: readonly WorkerProcess[]): Promise<boolean> {
  const settled = await pollUntil(async () => (reloadSettled(before, await workers(docker, container)) ? true : undefined), { timeoutMs: RELOAD_TIMEOUT_MS, intervalMs: 50 });
  return settled === true;
}

const RELOAD_TIMEOUT_MS = 10_000;
