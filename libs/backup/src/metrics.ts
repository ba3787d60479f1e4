import { createServer, type Server } from 'node:http';
import { type Manifest } from './manifest.ts';

/**
 * The backup job's Prometheus metrics (scraped as job "backup"; the BackupFailed/BackupStale rules in
 * docker/monitoring read them). Seeded from the newest manifest in the bucket when the scheduler starts,
 * so a restarted container reports the real age of the last good backup instead of "never".
 */
export class BackupMetrics {
  #lastSuccessSeconds = 0;
  #lastSizeBytes = 0;
  // Unknown until a run ends or the bucket shows a backup: no sample then, so BackupFailed (no `for`)
  // cannot page on a fresh install while its first backup is still running.
  #lastRunSuccess: 0 | 1 | undefined;
  readonly #runs = { success: 0, failure: 0 };

  /** From the bucket's newest backup: it succeeded, so the last known run is good; none → never. */
  seed(latest: Manifest | undefined): void {
    if (latest === undefined) return;
    this.#lastSuccessSeconds = Date.parse(latest.finishedAt) / 1000;
    this.#lastSizeBytes = latest.size;
    this.#lastRunSuccess = 1;
  }

  record(result: { ok: boolean; manifest?: Manifest }): void {
    this.#runs[result.ok ? 'success' : 'failure'] += 1;
    this.#lastRunSuccess = result.ok ? 1 : 0;
    // A manifest means the dump is stored and verified on every target, even when a later step
    // (retention, the heartbeat) failed the run: it is the newest good backup all the same.
    if (result.manifest) {
      this.#lastSuccessSeconds = Date.parse(result.manifest.finishedAt) / 1000;
      this.#lastSizeBytes = result.manifest.size;
    }
  }

  /** The Prometheus text exposition format (0.0.4). */
  render(): string {
    return [
      '# HELP satvach_backup_last_success_timestamp_seconds When the newest good backup finished (0: none yet).',
      '# TYPE satvach_backup_last_success_timestamp_seconds gauge',
      `satvach_backup_last_success_timestamp_seconds ${this.#lastSuccessSeconds}`,
      '# HELP satvach_backup_last_size_bytes Size of the newest good backup as stored.',
      '# TYPE satvach_backup_last_size_bytes gauge',
      `satvach_backup_last_size_bytes ${this.#lastSizeBytes}`,
      '# HELP satvach_backup_last_run_success 1 when the last run (or, after a restart, the newest backup) succeeded.',
      '# TYPE satvach_backup_last_run_success gauge',
      ...(this.#lastRunSuccess === undefined ? [] : [`satvach_backup_last_run_success ${this.#lastRunSuccess}`]),
      '# HELP satvach_backup_runs_total Backup runs since the scheduler started, by result.',
      '# TYPE satvach_backup_runs_total counter',
      `satvach_backup_runs_total{result="success"} ${this.#runs.success}`,
      `satvach_backup_runs_total{result="failure"} ${this.#runs.failure}`,
      '',
    ].join('\n');
  }
}

export const DEFAULT_METRICS_LISTEN = '0.0.0.0:9464';

/** `host:port` (IPv6 in brackets) → its parts; the error names the flag. */
export function parseListen(value: string): { host: string; port: number } {
  const match = /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+):(\d{1,5})$/.exec(value);
  const port = Number(match?.[2]);
  if (!match || port < 1 || port > 65_535) throw new Error(`--metrics-listen must be host:port such as ${DEFAULT_METRICS_LISTEN}, not "${value}"`);
  return { host: (match[1] as string).replace(/^\[|\]$/g, ''), port };
}

/** Serves `metrics` at GET /metrics until closed. */
export async function serveMetrics(metrics: BackupMetrics, listen: { host: string; port: number }): Promise<{ port: number; close: () => Promise<void> }> {
  const server: Server = createServer((request, response) => {
    if (request.method === 'GET' && request.url?.split('?')[0] === '/metrics') {
      response.writeHead(200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' }).end(metrics.render());
      return;
    }
    response.writeHead(404).end('not found; metrics are at /metrics\n');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(listen.port, listen.host, resolve);
  });
  const { port } = server.address() as { port: number };
  return { port, close: () => new Promise((resolve) => server.close(() => resolve())) };
}
