import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BackupMetrics, serveMetrics } from '@satvach/backup';
import { type Command, type RunFn, secret } from '@satvach/exec';
import { diagnose, renderResults } from './diagnose.ts';
import type { StackTargets } from './targets.ts';

// The checks wired to their probes: real HTTP servers stand in for the edge and the backend, the
// backup job's real metrics server (libs/backup) for the scheduler. Docker's answers are recorded
// data here (the drills, tools/generators/src/executors/diagnose/drills.e2e.spec.ts, ask the real engine).
const now = Date.parse('2026-12-02T10:05:00Z');
const accessLine = (status: number, second: number) => JSON.stringify({ time: `2026-12-02T10:04:${String(second).padStart(2, '0')}+00:00`, uri: '/api/v1/places/nearby', status });

function listen(handler: Parameters<typeof createServer>[1]): Promise<Server> {
  const server = createServer(handler);
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}
const urlOf = (server: Server) => `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

const recordedDocker: RunFn = async (command: Command) => {
  const args = command.args.map(String);
  const service = args.find((arg) => arg.startsWith('label=com.docker.compose.service='))?.split('=').pop();
  const answer = (stdout: string) => ({ exitCode: 0, stdout, stderr: '', durationMs: 1 });
  if (args[0] === 'ps' && service === undefined) return answer('id-backend\nid-edge\n');
  if (args[0] === 'stats') return answer(args.slice(4).map((id) => `p_${id.slice(3)}_1\t${id === 'id-backend' ? '150.25' : '0.50'}%`).join('\n'));
  if (args[0] === 'ps') return answer(service === 'edge' || service === 'backend' || service === 'backup' ? `id-${service}` : '');
  if (args[0] === 'inspect' && args.includes('{{json .Config.Env}}')) return answer(JSON.stringify(['PATH=/usr/bin', 'SATVACH_S3_ACCESS_KEY_ID=S3RVER', 'SATVACH_S3_SECRET_ACCESS_KEY=S3RVER']));
  if (args[0] === 'inspect') return answer(`running 0 ${args.at(-1) === 'id-backend' ? '2026-12-02T09:00:00Z' : '2026-12-02T08:00:00Z'}`);
  if (args[0] === 'logs') return answer([...Array.from({ length: 30 }, (_, i) => accessLine(i % 3 === 0 ? 502 : 200, i)), '2026/12/02 10:04:30 [error] 7#7: upstream refused'].join('\n'));
  if (args[0] === 'info') return answer('/');
  throw new Error(`unexpected docker ${args.join(' ')}`);
};

let edge: Server;
let backend: Server;
let backup: { port: number; close: () => Promise<void> };
let scratch: string;
let targets: StackTargets;

beforeAll(async () => {
  edge = await listen((request, response) => response.writeHead(request.url === '/health' ? 200 : 404).end('{"status":"ok"}'));
  backend = await listen((_request, response) => response.writeHead(503, { 'content-type': 'application/json' }).end(JSON.stringify({ status: 'not_ready', failing: ['storage'] })));
  const metrics = new BackupMetrics();
  metrics.record({ ok: false });
  backup = await serveMetrics(metrics, { host: '127.0.0.1', port: 0 });
  scratch = mkdtempSync(join(tmpdir(), 'satvach-diagnose-'));
  writeFileSync(join(scratch, 'state.json'), '{"version": 1');
  targets = {
    db: { host: '127.0.0.1', port: 1, database: 'satvach', user: 'satvach_app', password: secret('pw-never-shown'), connectionLimit: 64 },
    storage: { endpoint: 'http://127.0.0.1:1', buckets: ['satvach-photos'], accessKeyId: 'k', secretAccessKey: secret('s3-never-shown') },
    edgeOrigin: urlOf(edge),
    backendUrl: urlOf(backend),
    deployStateFile: join(scratch, 'state.json'),
    tunnelMetricsUrl: 'http://127.0.0.1:1/metrics',
    backupMetricsUrl: `http://127.0.0.1:${backup.port}/metrics`,
  };
});

afterAll(async () => {
  edge?.close();
  backend?.close();
  await backup?.close();
  rmSync(scratch, { recursive: true, force: true });
});

// The host's real /proc/stat is read: at a 100 % limit its share can never fail, whatever else runs here.
const request = (checks: Parameters<typeof diagnose>[0]['checks'], secrets: string[] = []) =>
  diagnose({ targets, projectName: 'p', docker: 'docker', checks, secrets, run: recordedDocker, now: () => now, maxCpuBusyPercent: 100 });

describe('diagnose', () => {
  it('runs every check in order and names each cause with its runbook', async () => {
    const results = await request([]);
    expect(results.map((result) => [result.check, result.status, result.runbook])).toEqual([
      ['db', 'FAILING', 'runbooks/database/DatabaseDown.md'],
      ['storage', 'FAILING', 'runbooks/storage/ObjectStorageDown.md'],
      ['edge', 'FAILING', 'runbooks/http/HighErrorRate.md'],
      ['backend', 'FAILING', 'runbooks/deploy/BackendDeployFailed.md'],
      ['disk', 'OK', 'runbooks/host/DiskAlmostFull.md'],
      ['host', 'OK', 'runbooks/host/HighCpuSustained.md'],
      ['tunnel', 'SKIPPED', 'runbooks/endpoints/TunnelDown.md'],
      ['backup', 'FAILING', 'runbooks/backup/BackupFailed.md'],
    ]);
    // The error window starts when the running backend did (09:00), capped at 5 min: 10 of 30 were 502.
    expect(results[2]?.evidence).toBe('edge: 5xx 33.3 % over 5 min (10 of 30 requests), /health 200');
    expect(results[3]?.evidence).toMatch(/^backend: the deploy state .*state\.json is not valid JSON/);
    expect(results[5]?.evidence).toMatch(/^host: CPU \d+ % busy over \d+\.\d s on \d+ CPUs?; busiest: p_backend_1 150 %, p_edge_1 1 %; threshold 100 %$/);
    expect(results[7]?.evidence).toBe('backup: last run failed (1 failed run since the scheduler started); no good backup yet');
    const table = renderResults(results);
    expect(table.split('\n')[0]).toMatch(/^CHECK\s+STATUS\s+EVIDENCE\s+RUNBOOK$/);
    expect(table).not.toMatch(/never-shown/);
  });

  it('runs only the asked checks', async () => {
    expect((await request(['backup', 'db'])).map((result) => result.check)).toEqual(['db', 'backup']);
  });

  it('redacts the stack\'s secrets from whatever a probe reports', async () => {
    const [backendResult] = await request(['backend'], ['state.json']);
    expect(backendResult?.evidence).toContain('***');
    expect(backendResult?.evidence).not.toContain('state.json');
  });
});
