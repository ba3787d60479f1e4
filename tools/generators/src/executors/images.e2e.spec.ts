import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { request } from 'node:http';
import { execa } from 'execa';
import { workspaceRoot } from '@nx/devkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readEnvFile } from '@satvach/exec';
import { containerEnvFile, docker, harness, nx, readManifest, requireHarness, waitFor } from '../e2e-support.ts';
import { freePort } from '@satvach/exec/testing';

// `nx run <project>:docker-push` for real: the local base images, the engine and the registry on
// 127.0.0.1:5000 from tools/scripts/docker-harness.sh, and the backend's own PostGIS + S3 devtools.

const namespace = `${harness.registry}/e2e-${randomBytes(3).toString('hex')}`;
const marker = `planted-secret-${randomBytes(8).toString('hex')}`;
const backendDir = join(workspaceRoot, 'apps/backend');
const python = join(backendDir, '.venv/bin/python');
let scratch: string;
let backendEnv: Record<string, string>;

const planted = [join(backendDir, '.env'), join(backendDir, '.pytest_cache', 'planted.txt')];

beforeAll(async () => {
  await requireHarness();
  if (!existsSync(python)) throw new Error('the backend virtualenv is missing: run `bash apps/backend/scripts/setup-venv.sh`');
  scratch = mkdtempSync(join(tmpdir(), 'satvach-images-'));
  chmodSync(scratch, 0o755); // PostgreSQL runs as the postgres user and must reach its data dir.
  await execa(python, ['devtools/local_services.py', 'up', '--state-dir', join(scratch, 'services')], { cwd: backendDir });
  backendEnv = readEnvFile(join(scratch, 'services', 'backend.env'));
});

afterAll(async () => {
  for (const file of planted) rmSync(file, { force: true });
  if (scratch) {
    await execa(python, ['devtools/local_services.py', 'down', '--state-dir', join(scratch, 'services')], { cwd: backendDir, reject: false });
    rmSync(scratch, { recursive: true, force: true });
  }
});

describe('backend image', () => {
  it('nx run backend:docker-push builds, pushes and records the registry digest', async () => {
    const { exitCode, output } = await nx(['run', 'backend:docker-push', '-c', 'local-images'], { SATVACH_REGISTRY: namespace });

    expect(exitCode, output).toBe(0);
    const manifest = readManifest('backend');
    expect(manifest.image).toBe(`${namespace}/backend`);
    expect(manifest.tags).toContain(`sha-${(await execa('git', ['rev-parse', '--short=7', 'HEAD'], { cwd: workspaceRoot })).stdout}`);
    const head = await fetch(`http://${harness.registry}/v2/${manifest.image.slice(harness.registry.length + 1)}/manifests/${manifest.tags[0] ?? ''}`, {
      method: 'HEAD',
      headers: { Accept: 'application/vnd.docker.distribution.manifest.v2+json' },
    });
    expect(head.headers.get('docker-content-digest')).toBe(manifest.digest);
    expect(manifest.pushed?.map((entry) => entry.digest)).toEqual(manifest.tags.map(() => manifest.digest));
  });

  it('pulled back by digest, runs as non-root and is healthy against the real PostGIS and S3', async () => {
    const manifest = readManifest('backend');
    await docker(['rmi', '--force', manifest.imageId]);
    const byDigest = `${manifest.image}@${manifest.digest}`;
    await docker(['pull', byDigest]);

    const inspect = JSON.parse((await docker(['image', 'inspect', byDigest])).stdout as string)[0] as {
      Config: { User: string; Healthcheck: { Test: string[] }; Labels: Record<string, string> };
    };
    expect(inspect.Config.User).toBe('10001');
    expect(inspect.Config.Healthcheck.Test.join(' ')).toContain('/health');
    expect(inspect.Config.Labels['org.opencontainers.image.revision']).toMatch(/^[0-9a-f]{40}$/);

    const port = String(18_000 + Math.floor(Math.random() * 1000));
    const envFile = containerEnvFile({ ...backendEnv, SATVACH_HOST: '127.0.0.1', SATVACH_PORT: port });
    const name = `satvach-e2e-backend-${port}`;
    await docker(['run', '-d', '--rm', '--name', name, '--network', 'host', ...envFile.args, byDigest]);
    try {
      const health = await waitFor('/health', async () => {
        const response = await fetch(`http://127.0.0.1:${port}/health`);
        return response.status === 200 ? response : undefined;
      });
      expect(await health.json()).toEqual({ status: 'ok' });
      const ready = await fetch(`http://127.0.0.1:${port}/health/ready`);
      expect(ready.status, await ready.clone().text()).toBe(200);
      expect(((await ready.json()) as { checks: unknown }).checks).toMatchObject({ database: { status: 'ok' }, storage: { status: 'ok' } });
    } finally {
      await docker(['rm', '--force', name], { reject: false });
      envFile.remove();
    }
  });

  it('holds no ignored file and no build secret in any layer', async () => {
    for (const file of planted) mkdirSync(dirname(file), { recursive: true });
    writeFileSync(planted[0]!, `SATVACH_S3_SECRET_ACCESS_KEY=${marker}\n`);
    writeFileSync(planted[1]!, marker);
    // The extra CA is the host bundle plus a marker line: pip still trusts it, and we can look for it.
    const ca = join(scratch, 'extra-ca.pem');
    writeFileSync(ca, `${readFileSync('/etc/ssl/certs/ca-certificates.crt', 'utf8')}\n# ${marker}\n`);

    const { exitCode, output } = await nx(['run', 'backend:docker-build', '-c', 'local-images', `--secrets.extra_ca=${ca}`], { SATVACH_REGISTRY: namespace });
    expect(exitCode, output).toBe(0);
    expect(output).not.toContain(marker);

    const saved = join(scratch, 'saved');
    await docker(['save', '-o', `${saved}.tar`, readManifest('backend').imageId]);
    await execa('mkdir', ['-p', saved]);
    await execa('tar', ['-xf', `${saved}.tar`, '-C', saved]);
    const layers = readdirSync(saved, { recursive: true, encoding: 'utf8' }).filter((file) => file.endsWith('layer.tar'));
    expect(layers.length).toBeGreaterThan(1);
    const names: string[] = [];
    for (const layer of layers) {
      const tarball = join(saved, layer);
      names.push(...(await execa('tar', ['-tf', tarball])).stdout.split('\n'));
      const contents = await execa('tar', ['-xOf', tarball], { encoding: 'buffer', maxBuffer: 2 ** 31 });
      expect(Buffer.from(contents.stdout).includes(marker), `${layer} contains the planted secret`).toBe(false);
    }
    expect(names).toContain('app/satvach/main.py');
    const leaked = names.filter((name) => /(^|\/)(\.env|\.venv|tests|\.pytest_cache|\.git|devtools)(\/|$)/.test(name) && !name.startsWith('opt/venv/'));
    expect(leaked).toEqual([]);
  });
});

describe('frontend image', () => {
  it('serves hashed assets precompressed: br, gzip, identity', async () => {
    const { exitCode, output } = await nx(['run', 'frontend:docker-build', '-c', 'local-images'], { SATVACH_REGISTRY: namespace });
    expect(exitCode, output).toBe(0);
    const name = `satvach-e2e-frontend-${randomBytes(3).toString('hex')}`;
    await docker(['run', '-d', '--rm', '--name', name, '--network', 'host', readManifest('frontend').imageId]);
    try {
      const index = await waitFor('the frontend on :8080', async () => {
        const response = await fetch('http://127.0.0.1:8080/');
        return response.ok ? response.text() : undefined;
      });
      const asset = /\/assets\/index-[\w-]+\.js/.exec(index)?.[0];
      expect(asset).toBeDefined();
      const sizes: Record<string, number> = {};
      for (const encoding of ['br', 'gzip', 'identity']) {
        const { stdout } = await execa('curl', ['-sS', '-o', '/dev/null', '-D', '-', '-H', `Accept-Encoding: ${encoding}`, `http://127.0.0.1:8080${asset}`]);
        const headers = stdout.toLowerCase();
        expect(headers).toContain('cache-control: public, max-age=31536000, immutable');
        if (encoding === 'identity') expect(headers).not.toContain('content-encoding');
        else expect(headers).toContain(`content-encoding: ${encoding}`);
        sizes[encoding] = Number(/content-length: (\d+)/.exec(headers)?.[1]);
      }
      expect(sizes.br).toBeLessThan(sizes.gzip!);
      expect(sizes.gzip).toBeLessThan(sizes.identity!);
    } finally {
      await docker(['rm', '--force', name], { reject: false });
    }
  });
});

describe('edge settings', () => {
  it('sends HSTS and trusts CF-Connecting-IP only when behind the tunnel', async () => {
    const name = `satvach-e2e-edge-tunnel-${randomBytes(3).toString('hex')}`;
    await docker(['run', '-d', '--rm', '--name', name, '--network', 'host', '-e', 'SATVACH_EDGE_BEHIND_TUNNEL=true', '-e', 'SATVACH_EDGE_TRUSTED_PROXY=127.0.0.1', readManifest('frontend').imageId]);
    try {
      const page = await waitFor('the edge on :8080', async () => {
        const response = await fetch('http://127.0.0.1:8080/', { headers: { 'CF-Connecting-IP': '203.0.113.9' } });
        return response.ok ? response : undefined;
      });
      expect(page.headers.get('strict-transport-security')).toBe('max-age=31536000; includeSubDomains');
      const logs = await docker(['logs', name]);
      expect(String(logs.stdout)).toContain('"remote":"203.0.113.9"');
    } finally {
      await docker(['rm', '--force', name], { reject: false });
    }
  });

  it('trusts CF-Connecting-IP from the configured connector only: the log and the rate limit see the real peer', async () => {
    // Everything is on loopback here, so loopback addresses stand in for the parties: the connector
    // is 127.0.0.2, a peer that is not the connector is 127.0.0.1.
    await withEdge({ SATVACH_EDGE_TRUSTED_PROXY: '127.0.0.2', SATVACH_EDGE_RATE_PER_S: '1', SATVACH_EDGE_RATE_BURST: '5' }, async (name) => {
      const forged = await burst(30, (i) => ({ from: '127.0.0.1', path: '/health', headers: { 'CF-Connecting-IP': `203.0.113.${i + 1}`, 'X-Request-ID': `forged-${i}` } }));
      // One bucket (the real peer's) whatever each request claims: burst 5 + what 1 r/s refilled.
      expect(forged.filter((r) => r.status === 429).length, JSON.stringify(forged.map((r) => r.status))).toBeGreaterThanOrEqual(15);
      expect(forged.filter((r) => r.status === 200).length).toBeGreaterThanOrEqual(1);

      const honoured = await burst(30, (i) => ({ from: '127.0.0.2', path: '/health', headers: { 'CF-Connecting-IP': `198.51.100.${i + 1}`, 'X-Request-ID': `honoured-${i}` } }));
      // A bucket per client the connector names: nobody exceeds their burst.
      expect(honoured.map((r) => r.status)).toEqual(Array.from({ length: 30 }, () => 200));
      const oneClient = await burst(30, (i) => ({ from: '127.0.0.2', path: '/health', headers: { 'CF-Connecting-IP': '198.51.100.200', 'X-Request-ID': `one-client-${i}` } }));
      expect(oneClient.filter((r) => r.status === 429).length).toBeGreaterThanOrEqual(15);

      const remotes = await accessLog(name);
      expect(new Set(Array.from({ length: 30 }, (_, i) => remotes.get(`forged-${i}`)))).toEqual(new Set(['127.0.0.1']));
      expect(Array.from({ length: 30 }, (_, i) => remotes.get(`honoured-${i}`))).toEqual(Array.from({ length: 30 }, (_, i) => `198.51.100.${i + 1}`));
    });
  });

  it('honours CF-Connecting-IP from 127.0.0.1 when that is the connector, as by default', async () => {
    await withEdge({}, async (name) => {
      const response = await get({ from: '127.0.0.1', path: '/health', headers: { 'CF-Connecting-IP': '203.0.113.77', 'X-Request-ID': 'default-trust' } });
      expect(response.status).toBe(200);
      expect((await accessLog(name)).get('default-trust')).toBe('203.0.113.77');
    });
  });

  it('answers /health with 200 at that path for anyone, /health/ready only to callers on this machine', async () => {
    await withEdge({ SATVACH_EDGE_TRUSTED_PROXY: '127.0.0.2' }, async () => {
      // A visitor through the tunnel: the connector (127.0.0.2) names a public client address.
      const visitor = { from: '127.0.0.2', headers: { 'CF-Connecting-IP': '203.0.113.50' } };
      const health = await get({ ...visitor, path: '/health' });
      expect(health.status).toBe(200); // node:http follows no redirect: a 301/307 would show here
      expect(JSON.parse(health.body)).toEqual({ status: 'ok' });
      const readyForVisitor = await get({ ...visitor, path: '/health/ready' });
      expect(readyForVisitor.status).toBe(403);
      expect(readyForVisitor.body).not.toContain('latency_ms');

      const local = await get({ from: '127.0.0.1', path: '/health/ready' });
      expect(local.status, local.body).toBe(200);
      expect(JSON.parse(local.body)).toMatchObject({ status: 'ready', checks: { database: { status: 'ok' }, storage: { status: 'ok' } } });
    });
  });

  it('refuses to trust a whole private range, naming the setting', async () => {
    const result = await docker(['run', '--rm', '--network', 'host', '-e', 'SATVACH_EDGE_BEHIND_TUNNEL=true', '-e', 'SATVACH_EDGE_TRUSTED_PROXY=127.0.0.1,172.16.0.0/12', readManifest('frontend').imageId], { reject: false, all: true });

    expect(result.exitCode).toBe(64);
    expect(String(result.all)).toContain("edge: SATVACH_EDGE_TRUSTED_PROXY: '172.16.0.0/12' is wider than /29");
  });

  it('refuses to start on a malformed setting, naming it', async () => {
    const result = await docker(['run', '--rm', '--network', 'host', '-e', 'SATVACH_API_UPSTREAM=backend', readManifest('frontend').imageId], { reject: false, all: true });

    expect(result.exitCode).toBe(64);
    expect(String(result.all)).toContain("edge: SATVACH_API_UPSTREAM must be host:port, got 'backend'");
  });
});

interface Probe {
  from: string;
  path: string;
  headers?: Record<string, string>;
}

/** One GET to the edge on 127.0.0.1:8080 from the local address `from` (any of 127.0.0.0/8). */
function get({ from, path, headers = {} }: Probe): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: 8080, localAddress: from, path, headers, agent: false }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (body += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

const burst = (count: number, probe: (i: number) => Probe) => Promise.all(Array.from({ length: count }, (_, i) => get(probe(i))));

/** request_id → remote, from the edge's JSON access log. */
async function accessLog(container: string): Promise<Map<string, string>> {
  const { stdout } = await docker(['logs', container]);
  const entries = String(stdout)
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as { request_id: string; remote: string });
  return new Map(entries.map((entry) => [entry.request_id, entry.remote]));
}

/** The edge image behind the tunnel, proxying to the real backend (run from its venv against the
 * PostGIS and S3 of beforeAll), with `env` on top; both are removed afterwards. */
async function withEdge(env: Record<string, string>, use: (container: string) => Promise<void>): Promise<void> {
  const port = String(await freePort());
  const backend = execa(python, ['-m', 'satvach'], { cwd: backendDir, env: { ...backendEnv, SATVACH_HOST: '127.0.0.1', SATVACH_PORT: port }, reject: false });
  const name = `satvach-e2e-edge-${randomBytes(3).toString('hex')}`;
  const settings = { SATVACH_API_UPSTREAM: `127.0.0.1:${port}`, SATVACH_EDGE_BEHIND_TUNNEL: 'true', ...env };
  try {
    await waitFor('the backend', async () => ((await fetch(`http://127.0.0.1:${port}/health`)).ok ? true : undefined));
    await docker(['run', '-d', '--rm', '--name', name, '--network', 'host', ...Object.entries(settings).flatMap(([key, value]) => ['-e', `${key}=${value}`]), readManifest('frontend').imageId]);
    await waitFor('the edge on :8080', async () => ((await fetch('http://127.0.0.1:8080/healthz')).ok ? true : undefined));
    await use(name);
  } finally {
    await docker(['rm', '--force', name], { reject: false });
    backend.kill('SIGTERM');
    await backend;
  }
}

describe('bad input', () => {
  it('says which Docker engine it cannot reach', async () => {
    const { exitCode, output } = await nx(['run', 'backend:docker-build'], { DOCKER_HOST: 'unix:///nonexistent/docker.sock' });

    expect(exitCode).not.toBe(0);
    expect(output).toContain('cannot reach a Docker engine at unix:///nonexistent/docker.sock; start Docker or set DOCKER_HOST');
  });

  it('names an invalid registry', async () => {
    const { exitCode, output } = await nx(['run', 'backend:docker-build', '--registry=Not A/Registry']);

    expect(exitCode).not.toBe(0);
    expect(output).toMatch(/registry.*Not A\/Registry/);
  });

  it('does not record a push to an unreachable registry as pushed', async () => {
    const unreachable = '127.0.0.1:5999/satvach';
    const { exitCode, output } = await nx(['run', 'backend:docker-push', '-c', 'local-images', '--attempts=1'], { SATVACH_REGISTRY: unreachable });

    expect(exitCode).not.toBe(0);
    expect(output).toContain('127.0.0.1:5999');
    const manifest = readManifest('backend');
    expect(manifest.image).toBe(`${unreachable}/backend`);
    expect(manifest.digest).toBeUndefined();
    expect(manifest.pushed).toBeUndefined();
  });
});
