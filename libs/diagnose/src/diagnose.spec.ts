import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BackupMetrics, serveMetrics } from '@satvach/backup';
import { type Command, type RunFn, secret } from '@satvach/exec';
import { freePort } from '@satvach/exec/testing';
import { INSPECT_FORMAT } from './addresses.ts';
import { diagnose, renderResults } from './diagnose.ts';
import { SERVICE_PORTS, type StackTargets } from './targets.ts';

// The checks wired to their probes: real HTTP servers stand in for the edge and the backend, the
// backup job's real metrics server (libs/backup) for the scheduler. Docker's answers are recorded
// data here (the drills, tools/generators/src/executors/diagnose/drills.e2e.spec.ts, ask the real engine).
const now = Date.parse('2026-12-02T10:05:00Z');
const accessLine = (status: number, second: number) => JSON.stringify({ time: `2026-12-02T10:04:${String(second).padStart(2, '0')}+00:00`, uri: '/api/v1/places/nearby', status });

function listen(handler: Parameters<typeof createServer>[1]): Promise<Server> {
  const server = createServer(handler);
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}
const portOf = (server: Server) => (server.address() as AddressInfo).port;
const urlOf = (server: Server) => `http://127.0.0.1:${portOf(server)}`;

// The engine's answer for a host-network container (testdata/inspect-host.json, recorded here), so
// each service answers on loopback at the port the test gives it.
const hostNetwork = readFileSync(join(import.meta.dirname, 'testdata/inspect-host.json'), 'utf8');
// cloudflared in the edge's namespace (testdata/inspect-shared.json, recorded here): the edge answers for it.
const sharedNamespace = readFileSync(join(import.meta.dirname, 'testdata/inspect-shared.json'), 'utf8');
const namespaceOwner = (JSON.parse(sharedNamespace) as { HostConfig: { NetworkMode: string } }).HostConfig.NetworkMode.slice('container:'.length);
const containerKey = 'container-s3-key-7Qx9';

let withTunnel = false;
const recordedDocker: RunFn = async (command: Command) => {
  const args = command.args.map(String);
  const service = args.find((arg) => arg.startsWith('label=com.docker.compose.service='))?.split('=').pop();
  const answer = (stdout: string) => ({ exitCode: 0, stdout, stderr: '', durationMs: 1 });
  if (args[0] === 'ps' && service === undefined) return answer('id-backend\nid-edge\n');
  if (args[0] === 'stats') return answer(args.slice(4).map((id) => `p_${id.slice(3)}_1\t${id === 'id-backend' ? '150.25' : '0.50'}%`).join('\n'));
  if (args[0] === 'ps') return answer(['edge', 'backend', 'backup', ...(withTunnel ? ['cloudflared'] : [])].includes(service ?? '') ? `id-${service}` : '');
  if (args[0] === 'inspect' && args.includes('{{json .Config.Env}}')) return answer(JSON.stringify(['PATH=/usr/bin', 'SATVACH_S3_ACCESS_KEY_ID=S3RVER', `SATVACH_S3_SECRET_ACCESS_KEY=${containerKey}`]));
  if (args[0] === 'inspect' && args.includes(INSPECT_FORMAT)) {
    if (args.at(-1) === 'id-cloudflared') return answer(sharedNamespace);
    return answer(args.at(-1) === namespaceOwner ? JSON.stringify({ ...JSON.parse(hostNetwork), Id: namespaceOwner }) : hostNetwork);
  }
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
let closedPort: number;

beforeAll(async () => {
  edge = await listen((request, response) => response.writeHead(request.url === '/health' ? 200 : 404).end('{"status":"ok"}'));
  // It names the key it signs with in its answer: diagnose must still never show it.
  backend = await listen((_request, response) => response.writeHead(503, { 'content-type': 'application/json' }).end(JSON.stringify({ status: 'not_ready', failing: ['storage', `key ${containerKey}`] })));
  const metrics = new BackupMetrics();
  metrics.record({ ok: false });
  backup = await serveMetrics(metrics, { host: '127.0.0.1', port: 0 });
  scratch = mkdtempSync(join(tmpdir(), 'satvach-diagnose-'));
  closedPort = await freePort();
  writeFileSync(join(scratch, 'state.json'), '{"version": 1');
  targets = {
    db: { database: 'satvach', user: 'satvach_app', password: secret('pw-never-shown'), connectionLimit: 64 },
    storage: { buckets: ['satvach-photos'], accessKeyId: 'k', secretAccessKey: secret('s3-never-shown') },
    edgeOrigin: urlOf(edge),
    deployStateFile: join(scratch, 'state.json'),
    services: { ...SERVICE_PORTS, backend: { service: 'backend', port: portOf(backend) }, tunnelMetrics: { service: 'cloudflared', port: closedPort }, backupMetrics: { service: 'backup', port: backup.port } },
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
    // No db or minio container in the project: no address to dial, and the evidence says so.
    expect(results[0]?.evidence).toBe('db: no db container in project p at db:5432');
    expect(results[1]?.evidence).toBe('storage: no minio container in project p at http://minio:9000');
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

  it('asks cloudflared\'s metrics where its network\'s owner (the edge) answers, and names that address', async () => {
    withTunnel = true;
    try {
      const [tunnel] = await request(['tunnel']);
      // Nothing listens there, as when cloudflared has not opened its metrics yet.
      expect(tunnel?.evidence).toBe(`tunnel: metrics unreachable (connection refused at http://127.0.0.1:${closedPort}/metrics)`);
    } finally {
      withTunnel = false;
    }
  });

  it('redacts the backend container\'s S3 key, not only the env\'s, from every row', async () => {
    rmSync(join(scratch, 'state.json'));
    try {
      const results = await request(['backend'], ['env-s3-secret']);
      // The backend row really carried the key: the server put it there, the redactor took it out.
      expect(results.find((result) => result.check === 'backend')?.evidence).toBe('backend: not ready: storage, key *** failing; no blue-green deploy recorded');
      expect(renderResults(results)).not.toContain(containerKey);
    } finally {
      writeFileSync(join(scratch, 'state.json'), '{"version": 1');
    }
  });

  it('redacts the stack\'s secrets from whatever a probe reports', async () => {
    const [backendResult] = await request(['backend'], ['state.json']);
    expect(backendResult?.evidence).toContain('***');
    expect(backendResult?.evidence).not.toContain('state.json');
  });
});
