import { describe, expect, it } from 'vitest';
import { judgeBackend, judgeBackup, judgeDb, judgeDisk, judgeEdge, judgeHost, judgeStorage, judgeTunnel } from './checks.ts';
import { RUNBOOKS } from './model.ts';

// The verdicts and their words, as data: what the person on call reads for each cause.
describe('db', () => {
  it('names each cause of a failed login and points at DatabaseDown', () => {
    expect(judgeDb({ kind: 'unreachable', address: '127.0.0.1:5432', reason: 'connection refused' })).toEqual({ check: 'db', status: 'FAILING', evidence: 'db: connection refused at 127.0.0.1:5432', runbook: 'runbooks/database/DatabaseDown.md' });
    expect(judgeDb({ kind: 'auth-failed', user: 'satvach_app' }).evidence).toBe('db: password authentication failed for user "satvach_app" (its password differs from the stack env\'s)');
    expect(judgeDb({ kind: 'role-limit', user: 'satvach_app', limit: 64 }).evidence).toBe('db: too many connections for role "satvach_app" (CONNECTION LIMIT 64)');
    expect(judgeDb({ kind: 'server-full', maxConnections: 100 }).evidence).toBe('db: too many connections (max_connections=100)');
    expect(judgeDb({ kind: 'server-full' }).evidence).toBe('db: too many connections (max_connections=unknown)');
  });

  it('is OK after a real login, with the connections in use', () => {
    expect(judgeDb({ kind: 'ok', user: 'satvach_app', database: 'satvach', address: '127.0.0.1:5432', connections: 7, maxConnections: 100 })).toEqual({
      check: 'db', status: 'OK', evidence: 'db: satvach_app logged in to satvach at 127.0.0.1:5432 (7 of max_connections=100 in use)', runbook: RUNBOOKS.db,
    });
  });
});

describe('storage', () => {
  it('tells a stopped endpoint from a missing bucket', () => {
    expect(judgeStorage({ kind: 'unreachable', endpoint: 'http://127.0.0.1:9000', reason: 'connection refused' })).toEqual({ check: 'storage', status: 'FAILING', evidence: 'storage: connection refused at http://127.0.0.1:9000', runbook: 'runbooks/storage/ObjectStorageDown.md' });
    expect(judgeStorage({ kind: 'answered', endpoint: 'http://m:9000', buckets: [{ name: 'satvach-photos', state: 'missing' }] }).evidence).toBe('storage: bucket satvach-photos missing at http://m:9000');
    expect(judgeStorage({ kind: 'answered', endpoint: 'http://m:9000', buckets: [{ name: 'satvach-photos', state: 'denied' }] }).status).toBe('FAILING');
    expect(judgeStorage({ kind: 'answered', endpoint: 'http://m:9000', buckets: [{ name: 'satvach-photos', state: 'ok' }] })).toEqual({ check: 'storage', status: 'OK', evidence: 'storage: http://m:9000 answers; bucket satvach-photos present', runbook: RUNBOOKS.storage });
  });
});

describe('edge', () => {
  const window = (requests: number, errors5xx: number, tooMany = 0, seconds = 300) => ({ seconds, requests, errors5xx, tooMany });
  const edge = (errors = window(100, 0), recent = window(30, 0, 0, 60), status = 200) => judgeEdge({ origin: 'http://127.0.0.1:8080', health: { status }, errors, recent });

  it('fails over HighErrorRate\'s 5 % with the share, the window and the counts', () => {
    expect(edge(window(200, 25))).toEqual([{ check: 'edge', status: 'FAILING', evidence: 'edge: 5xx 12.5 % over 5 min (25 of 200 requests), /health 200', runbook: 'runbooks/http/HighErrorRate.md' }]);
  });

  it('is OK at exactly 5 %, and does not judge a handful of requests', () => {
    expect(edge(window(100, 5))[0]?.status).toBe('OK');
    expect(edge(window(10, 9))).toEqual([{ check: 'edge', status: 'OK', evidence: 'edge: 5xx 90.0 % over 5 min (9 of 10 requests), /health 200; too few requests to judge', runbook: RUNBOOKS.edge }]);
  });

  it('flags a flood by the 429 share of the last minute, pointing at DDoSMitigation', () => {
    const results = edge(window(900, 0, 600), window(800, 0, 600, 60));
    expect(results.map((result) => [result.status, result.runbook])).toEqual([['OK', RUNBOOKS.edge], ['FAILING', 'runbooks/http/DDoSMitigation.md']]);
    expect(results[1]?.evidence).toBe('edge: flood — 429 75.0 % over 1 min (600 of 800 requests rate-limited), /health 200');
  });

  it('fails when /health through the edge is not 200 or not answered', () => {
    expect(edge(undefined, undefined, 502)[0]?.evidence).toBe('edge: /health 502 at http://127.0.0.1:8080');
    expect(judgeEdge({ origin: 'http://127.0.0.1:8080', health: { error: 'connection refused' }, errors: window(0, 0), recent: window(0, 0) })).toEqual([
      { check: 'edge', status: 'FAILING', evidence: 'edge: /health unreachable at http://127.0.0.1:8080 (connection refused)', runbook: RUNBOOKS.edge },
    ]);
  });
});

describe('backend', () => {
  it('names the failing dependency of /health/ready and the deploy state', () => {
    expect(judgeBackend({ url: 'http://127.0.0.1:8000', ready: { status: 503, failing: ['storage'] }, deploy: { kind: 'none' } })).toEqual({
      check: 'backend', status: 'FAILING', evidence: 'backend: not ready: storage failing; no blue-green deploy recorded', runbook: 'runbooks/deploy/BackendDeployFailed.md',
    });
    expect(judgeBackend({ url: 'http://127.0.0.1:8000', ready: { status: 200, failing: [] }, deploy: { kind: 'state', serving: 'v2 (blue)', candidate: 'v3 at 10 %' } }).evidence).toBe('backend: ready at http://127.0.0.1:8000; deploy: serving v2 (blue), candidate v3 at 10 %');
    expect(judgeBackend({ url: 'http://127.0.0.1:8000', ready: { error: 'connection refused' }, deploy: { kind: 'none' } }).evidence).toBe('backend: http://127.0.0.1:8000/health/ready unreachable (connection refused); no blue-green deploy recorded');
    expect(judgeBackend({ url: 'u', ready: { status: 200, failing: [] }, deploy: { kind: 'invalid', error: 'the deploy state /x/state.json is not valid JSON' } })).toMatchObject({ status: 'FAILING', evidence: 'backend: the deploy state /x/state.json is not valid JSON' });
  });
});

describe('disk', () => {
  const fs = { path: '/var/lib/docker', mountpoint: '/var/lib/docker', sizeBytes: 100 * 2 ** 30, availableBytes: 15 * 2 ** 30 };
  it('names the filesystem over the threshold, with its use and free space', () => {
    expect(judgeDisk({ filesystems: [fs], maxUsedPercent: 80 })).toEqual({ check: 'disk', status: 'FAILING', evidence: 'disk: /var/lib/docker 85.0 % used, 15.0 GiB free (/var/lib/docker) — over 80 %', runbook: 'runbooks/host/DiskAlmostFull.md' });
    expect(judgeDisk({ filesystems: [fs], maxUsedPercent: 90 }).status).toBe('OK');
  });
});

describe('tunnel', () => {
  it('is SKIPPED with the reason when the profile is not started, FAILING without connections', () => {
    expect(judgeTunnel({ container: { kind: 'absent' } })).toEqual({ check: 'tunnel', status: 'SKIPPED', evidence: 'tunnel: not running: the tunnel profile is not started (no container)', runbook: 'runbooks/endpoints/TunnelDown.md' });
    expect(judgeTunnel({ container: { kind: 'present', state: 'exited', exitCode: 1 } }).evidence).toBe('tunnel: cloudflared container exited (exit code 1)');
    expect(judgeTunnel({ container: { kind: 'present', state: 'running', exitCode: 0 }, metrics: { haConnections: 0 } }).status).toBe('FAILING');
    expect(judgeTunnel({ container: { kind: 'present', state: 'running', exitCode: 0 }, metrics: { haConnections: 4 } })).toMatchObject({ status: 'OK', evidence: 'tunnel: 4 connections to Cloudflare\'s edge' });
  });
});

describe('backup', () => {
  const running = { kind: 'present', state: 'running', exitCode: 0 } as const;
  const now = 1_800_000_000;
  const maxAgeSeconds = 26 * 3600;
  it('points a failed last run at BackupFailed and an old last success at BackupStale', () => {
    expect(judgeBackup({ container: running, metrics: { lastSuccessSeconds: now - 3600, lastRunSuccess: 0, failures: 1 }, now, maxAgeSeconds })).toEqual({
      check: 'backup', status: 'FAILING', evidence: 'backup: last run failed (1 failed run since the scheduler started); last good backup 1.0 h ago', runbook: 'runbooks/backup/BackupFailed.md',
    });
    expect(judgeBackup({ container: running, metrics: { lastSuccessSeconds: now - 27 * 3600, lastRunSuccess: 1, failures: 0 }, now, maxAgeSeconds })).toMatchObject({ status: 'FAILING', runbook: 'runbooks/backup/BackupStale.md', evidence: 'backup: last good backup 27.0 h ago (BackupStale after 26 h)' });
    expect(judgeBackup({ container: running, metrics: { lastSuccessSeconds: now - 600, lastRunSuccess: 1, failures: 0 }, now, maxAgeSeconds })).toMatchObject({ status: 'OK', evidence: 'backup: last good backup 10 min ago, last run succeeded' });
  });

  it('takes the age limit it is given (a drill, or a host with a different schedule)', () => {
    expect(judgeBackup({ container: running, metrics: { lastSuccessSeconds: now - 40, lastRunSuccess: 1, failures: 0 }, now, maxAgeSeconds: 36 })).toMatchObject({ status: 'FAILING', runbook: 'runbooks/backup/BackupStale.md', evidence: 'backup: last good backup 1 min ago (BackupStale after 0.01 h)' });
    expect(judgeBackup({ container: running, metrics: { lastSuccessSeconds: now - 20, lastRunSuccess: 1, failures: 0 }, now, maxAgeSeconds: 36 })).toMatchObject({ status: 'OK', runbook: 'runbooks/backup/BackupFailed.md' });
  });

  it('is SKIPPED without the backup profile', () => {
    expect(judgeBackup({ container: { kind: 'absent' }, now, maxAgeSeconds })).toMatchObject({ status: 'SKIPPED', evidence: 'backup: not running: the backup profile is not started (no container)' });
  });
});

describe('host', () => {
  const seen = { cpus: 2, seconds: 2.04, maxBusyPercent: 90 };
  const containers = [
    { name: 'satvach_db_1', cpuPercent: 2.5 },
    { name: 'satvach_backend_1', cpuPercent: 180.4 },
    { name: 'satvach_edge_1', cpuPercent: 0.1 },
    { name: 'satvach_minio_1', cpuPercent: 0 },
  ];

  it('fails over HighCpuSustained\'s 90 %, naming the busiest containers first', () => {
    expect(judgeHost({ ...seen, busyPercent: 97.2, containers })).toEqual({
      check: 'host', status: 'FAILING', evidence: 'host: CPU 97 % busy over 2.0 s on 2 CPUs; busiest: satvach_backend_1 180 %, satvach_db_1 3 %, satvach_edge_1 0 % — over 90 %', runbook: 'runbooks/host/HighCpuSustained.md',
    });
  });

  it('is OK at the threshold, still naming the busiest, and says when docker stats gave nothing', () => {
    expect(judgeHost({ ...seen, busyPercent: 90, containers })).toMatchObject({ status: 'OK', evidence: expect.stringMatching(/^host: CPU 90 % busy .*busiest: satvach_backend_1 180 %.*; threshold 90 %$/) });
    expect(judgeHost({ ...seen, busyPercent: 5, containers: [] }).evidence).toBe('host: CPU 5 % busy over 2.0 s on 2 CPUs; busiest: no stack container running; threshold 90 %');
    expect(judgeHost({ ...seen, busyPercent: 95, containers: { error: 'permission denied' } })).toMatchObject({ status: 'FAILING', evidence: 'host: CPU 95 % busy over 2.0 s on 2 CPUs; containers unknown (permission denied) — over 90 %' });
  });
});
