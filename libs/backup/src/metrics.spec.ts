import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findManifest } from './catalog.ts';
import { runSchedule, seedBackupMetrics } from './job.ts';
import { silentLogger } from '@satvach/exec';
import { type Manifest } from './manifest.ts';
import { BackupMetrics, parseListen, serveMetrics } from './metrics.ts';
import { BackupStore } from './store.ts';
import { startServices, type Services } from './testing/services.ts';

const manifest = (finishedAt: string, size: number) => ({ finishedAt, size }) as Manifest;
const sample = (text: string, name: string) => {
  const line = text.split('\n').find((candidate) => candidate.startsWith(`${name} `));
  return line === undefined ? undefined : Number(line.slice(name.length + 1));
};

describe('BackupMetrics as data', () => {
  it('starts at "never" with no run result (a fresh install does not page), takes the bucket\'s newest backup as its seed, and records runs by result', () => {
    const metrics = new BackupMetrics();
    expect(sample(metrics.render(), 'satvach_backup_last_success_timestamp_seconds')).toBe(0);
    expect(sample(metrics.render(), 'satvach_backup_last_run_success')).toBeUndefined();
    metrics.seed(manifest('2026-12-01T03:00:10.000Z', 1234));
    expect(sample(metrics.render(), 'satvach_backup_last_success_timestamp_seconds')).toBe(Date.parse('2026-12-01T03:00:10Z') / 1000);
    expect(sample(metrics.render(), 'satvach_backup_last_size_bytes')).toBe(1234);
    expect(sample(metrics.render(), 'satvach_backup_last_run_success')).toBe(1);
    metrics.record({ ok: false });
    const failed = metrics.render();
    expect(sample(failed, 'satvach_backup_last_run_success')).toBe(0);
    expect(sample(failed, 'satvach_backup_last_success_timestamp_seconds')).toBe(Date.parse('2026-12-01T03:00:10Z') / 1000);
    expect(sample(failed, 'satvach_backup_runs_total{result="failure"}')).toBe(1);
    metrics.record({ ok: true, manifest: manifest('2026-12-02T03:00:20.500Z', 2048) });
    const ok = metrics.render();
    expect([sample(ok, 'satvach_backup_last_success_timestamp_seconds'), sample(ok, 'satvach_backup_last_size_bytes'), sample(ok, 'satvach_backup_last_run_success')]).toEqual([Date.parse('2026-12-02T03:00:20.500Z') / 1000, 2048, 1]);
    expect([sample(ok, 'satvach_backup_runs_total{result="success"}'), sample(ok, 'satvach_backup_runs_total{result="failure"}')]).toEqual([1, 1]);
    // Retention failed after the dump was stored: the run failed, the backup is good.
    metrics.record({ ok: false, manifest: manifest('2026-12-03T03:00:05.000Z', 4096) });
    const pruneFailed = metrics.render();
    expect([sample(pruneFailed, 'satvach_backup_last_run_success'), sample(pruneFailed, 'satvach_backup_last_success_timestamp_seconds'), sample(pruneFailed, 'satvach_backup_last_size_bytes')]).toEqual([0, Date.parse('2026-12-03T03:00:05Z') / 1000, 4096]);
  });

  it('parses --metrics-listen and names the flag when it is malformed', () => {
    expect(parseListen('0.0.0.0:9464')).toEqual({ host: '0.0.0.0', port: 9464 });
    expect(parseListen('[::1]:9464')).toEqual({ host: '::1', port: 9464 });
    expect(() => parseListen('9464')).toThrow('--metrics-listen must be host:port such as 0.0.0.0:9464, not "9464"');
    expect(() => parseListen('localhost:70000')).toThrow('--metrics-listen must be host:port');
  });
});

// The real scheduler against a real PostgreSQL + s3rver (apps/backend/devtools/local_services.py).
describe('the scheduler exposes its metrics', () => {
  let services: Services;
  beforeAll(async () => {
    services = await startServices();
  });
  afterAll(async () => services?.down());

  /** Runs the scheduler with metrics on a free loopback port until `done` says its state is reached. */
  async function scheduled(env: Record<string, string>, done: (text: string) => boolean): Promise<string> {
    const config = services.config(env);
    const metrics = new BackupMetrics();
    const store = new BackupStore(config.s3);
    // As the CLI's schedule command does: seeded from the bucket before the first scrape can happen.
    await seedBackupMetrics(config, store, metrics, silentLogger);
    const server = await serveMetrics(metrics, { host: '127.0.0.1', port: 0 });
    const controller = new AbortController();
    const running = runSchedule(config, { log: silentLogger, store }, controller.signal, { metrics });
    try {
      const deadline = Date.now() + 120_000;
      for (;;) {
        const text = await (await fetch(`http://127.0.0.1:${server.port}/metrics`)).text();
        if (done(text)) return text;
        if (Date.now() > deadline) throw new Error(`the scheduler's metrics never reached the expected state:\n${text}`);
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    } finally {
      controller.abort();
      await running;
      await server.close();
    }
  }

  it('a made-up missed run is counted, and a restart starts from the newest manifest in the bucket, not from "never"', async () => {
    const env = services.env();
    const first = await scheduled(env, (text) => sample(text, 'satvach_backup_runs_total{result="success"}') === 1);
    const config = services.config(env);
    const made = await findManifest(config, new BackupStore(config.s3));
    expect(sample(first, 'satvach_backup_last_success_timestamp_seconds')).toBe(Date.parse(made.finishedAt) / 1000);
    expect(sample(first, 'satvach_backup_last_size_bytes')).toBe(made.size);
    expect(sample(first, 'satvach_backup_last_run_success')).toBe(1);

    // A new process on the same bucket: nothing run yet, yet the age of the last good backup is known.
    const restarted = await scheduled(env, () => true);
    expect(sample(restarted, 'satvach_backup_runs_total{result="success"}')).toBe(0);
    expect(sample(restarted, 'satvach_backup_last_success_timestamp_seconds')).toBe(Date.parse(made.finishedAt) / 1000);
    expect(sample(restarted, 'satvach_backup_last_size_bytes')).toBe(made.size);
    expect(sample(restarted, 'satvach_backup_last_run_success')).toBe(1);
  });

  it('a failed run sets last_run_success to 0 and counts a failure', async () => {
    const text = await scheduled(services.env({ SATVACH_BACKUP_DATABASE_URL: services.urlFor('no_such_database') }), (body) => sample(body, 'satvach_backup_runs_total{result="failure"}') === 1);
    expect(sample(text, 'satvach_backup_last_run_success')).toBe(0);
    expect(sample(text, 'satvach_backup_last_success_timestamp_seconds')).toBe(0);
  });
});
