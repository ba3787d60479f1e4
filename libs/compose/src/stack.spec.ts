import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Command, type RunFn, type RunResult } from '@satvach/exec';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { renderedConfigPath, StackFailedError, stackUp, type StackUpRequest } from './stack.ts';
import { StackEnvError } from './env.ts';

// The orchestration as data: a recorded docker client answers, so each branch (failure report,
// refusal before anything runs) is checked exactly. The real engine runs in the stack e2e.

const RENDERED = `
services:
  db: { image: postgis, healthcheck: { test: [CMD, pg_isready] } }
  backend:
    image: api
    healthcheck: { test: [CMD, curl] }
    depends_on: { db: { condition: service_healthy } }
`;

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'stack-up-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const ok = (stdout = ''): RunResult => ({ exitCode: 0, stdout, stderr: '', durationMs: 1 });

function dockerAnswering(backendHealth: string): { run: RunFn; calls: Command[] } {
  const calls: Command[] = [];
  const run: RunFn = async (command) => {
    calls.push(command);
    const args = command.args.map(String);
    if (args.includes('config')) return ok(RENDERED);
    if (args[0] === 'ps') return ok('id-db\nid-backend\n');
    if (args[0] === 'inspect') {
      const container = (service: string, health: string) => ({ Id: `id-${service}`, Config: { Labels: { 'com.docker.compose.service': service } }, State: { Status: 'running', ExitCode: 0, Health: { Status: health } } });
      return ok(JSON.stringify([container('db', 'healthy'), container('backend', backendHealth)]));
    }
    if (args[0] === 'logs') return ok('connecting to db with password hunter2hunter2\nboom: readiness failed\n');
    return ok();
  };
  return { run, calls };
}

function request(overrides: Partial<StackUpRequest> = {}): StackUpRequest {
  const envFile = join(dir, '.env');
  writeFileSync(
    envFile,
    'POSTGRES_PASSWORD=hunter2hunter2\nMINIO_ROOT_PASSWORD=minio-secret-1\nSATVACH_S3_SECRET_ACCESS_KEY=backend-secret-1\nSATVACH_BACKUP_S3_SECRET_ACCESS_KEY=backup-secret-1\nSATVACH_BACKUP_PRUNE_S3_SECRET_ACCESS_KEY=prune-secret-1\n',
  );
  return {
    projectName: 'satvach-test', stateDir: join(dir, 'state'), docker: 'docker', files: ['/w/docker/compose.yml'], profiles: [],
    envFile, exampleFile: join(dir, 'none'), processEnv: {}, images: { SATVACH_BACKEND_IMAGE: 'a/backend:1', SATVACH_EDGE_IMAGE: 'a/edge:1' },
    hostNetwork: false, timeoutMs: 60_000, randomSecret: () => 'x', sleep: async () => {}, ...overrides,
  };
}
const quiet = { info: () => {}, table: () => {} };

describe('stackUp', () => {
  it('returns when every service is healthy, keeping the rendered config private', async () => {
    const { run } = dockerAnswering('healthy');

    const { statuses } = await stackUp(request(), run, quiet);

    expect(statuses.map((s) => [s.service, s.verdict])).toEqual([['db', 'ready'], ['backend', 'ready']]);
    expect(statSync(renderedConfigPath(join(dir, 'state'), 'satvach-test')).mode & 0o777).toBe(0o600);
  });

  it('fails on an unhealthy service with its last log lines, secrets redacted by the runner', async () => {
    const { run, calls } = dockerAnswering('unhealthy');

    const failure = await stackUp(request(), run, quiet).catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(StackFailedError);
    expect((failure as Error).message).toContain('--- backend (running, health unhealthy): last log lines ---');
    expect((failure as Error).message).toContain('boom: readiness failed');
    const logs = calls.find((call) => call.args[0] === 'logs');
    expect(logs?.secrets).toEqual(['hunter2hunter2', 'minio-secret-1', 'backend-secret-1', 'backup-secret-1', 'prune-secret-1']);
  });

  it('starts nothing when the environment is invalid', async () => {
    const { run, calls } = dockerAnswering('healthy');
    const envFile = join(dir, 'bad.env');
    writeFileSync(envFile, 'POSTGRES_PASSWORD=short\n');

    await expect(stackUp({ ...request(), envFile }, run, quiet)).rejects.toBeInstanceOf(StackEnvError);
    expect(calls).toEqual([]);
  });
});
