import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { workspaceRoot } from '@nx/devkit';
import { run } from '@satvach/exec';
import { parse } from 'yaml';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ensureEnvFile, loadStackEnv, type StackEnv } from './env.ts';
import { VALID_ALERT_ENV } from '@satvach/monitoring/testing';
import { loadRotation } from '@satvach/oncall';
import { minioPrometheusToken, monitoringDirPath, renderMonitoringFiles, writeMonitoringFiles } from './monitoring.ts';

// The monitoring profile's files against the real tools: docker-compose renders the real compose
// files, Debian's promtool checks docker/monitoring/prometheus/prometheus.yml together with the
// target files stack:up renders (promtool validates file_sd files too), amtool the Alertmanager config.

const docker = join(workspaceRoot, 'docker');
const rotation = loadRotation(join(workspaceRoot, 'runbooks/oncall/rotation.yaml'));
let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'monitoring-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const needTool = async (tool: string, install: string) => {
  await run({ file: tool, args: ['--version'] }, { quiet: true }).catch(() => {
    throw new Error(`${tool} is not installed: ${install} (npm run setup installs it)`);
  });
};

/** The documented example with generated secrets and alert receivers (the monitoring profile needs them). */
function exampleEnv(extra: Record<string, string> = {}): { envFile: string; env: StackEnv } {
  const envFile = join(dir, '.env');
  ensureEnvFile(envFile, join(docker, '.env.example'), () => 'generated-secret-value');
  writeFileSync(envFile, `${readFileSync(envFile, 'utf8')}${Object.entries({ ...VALID_ALERT_ENV, ...extra }).map(([key, value]) => `${key}=${value}\n`).join('')}`);
  return { envFile, env: loadStackEnv({ envFile, processEnv: {} }).env };
}

async function renderCompose(envFile: string, files: string[], profiles: string[]): Promise<string> {
  const args = ['--env-file', envFile, '-p', 'satvach', ...files.flatMap((file) => ['-f', file]), ...profiles.flatMap((profile) => ['--profile', profile]), 'config'];
  const env = { SATVACH_BACKEND_IMAGE: 'a/backend:1', SATVACH_EDGE_IMAGE: 'a/edge:1', SATVACH_BACKUP_IMAGE: 'a/backup:1', TUNNEL_TOKEN: 'x'.repeat(24) };
  return (await run({ file: 'docker-compose', args, cwd: docker, env }, { quiet: true, rawStdout: true })).stdout;
}

const groupsOf = (text: string) => JSON.parse(text) as { targets: string[]; labels: Record<string, string> }[];

/** prometheus.yml with /etc/prometheus/ pointing into a scratch tree holding the rendered files. */
async function promtoolCheck(files: Record<string, string>): Promise<{ ok: boolean; output: string }> {
  const root = join(dir, 'etc-prometheus');
  mkdirSync(join(root, 'rules'), { recursive: true });
  cpSync(join(docker, 'monitoring/prometheus/rules'), join(root, 'rules'), { recursive: true });
  const monitoringDir = join(dir, 'state', 'satvach.monitoring');
  mkdirSync(join(dir, 'state'), { recursive: true, mode: 0o700 });
  writeMonitoringFiles(monitoringDir, files);
  cpSync(join(monitoringDir, 'prometheus'), join(root, 'rendered'), { recursive: true });
  const config = readFileSync(join(docker, 'monitoring/prometheus/prometheus.yml'), 'utf8').replaceAll('/etc/prometheus/', `${root}/`);
  writeFileSync(join(root, 'prometheus.yml'), config);
  return run({ file: 'promtool', args: ['check', 'config', join(root, 'prometheus.yml')] }, { quiet: true }).then(
    (result) => ({ ok: true, output: result.stdout + result.stderr }),
    (error: Error) => ({ ok: false, output: error.message }),
  );
}

describe('docker/monitoring/prometheus/prometheus.yml', { timeout: 60_000 }, () => {
  it('passes promtool check config with the files stack:up renders for the local stack', async () => {
    await needTool('promtool', 'apt-get install prometheus');
    const { envFile, env } = exampleEnv();
    const rendered = await renderCompose(envFile, ['compose.yml', 'compose.local-images.yml'], ['monitoring', 'backup']);

    const { ok, output } = await promtoolCheck(renderMonitoringFiles(rendered, ['monitoring', 'backup'], env, new Date(), rotation));

    expect(ok, output).toBe(true);
    expect(output).toContain('SUCCESS');
  });

  it('fails promtool when a rendered target file is malformed, naming the file', async () => {
    await needTool('promtool', 'apt-get install prometheus');
    const { envFile, env } = exampleEnv();
    const files = renderMonitoringFiles(await renderCompose(envFile, ['compose.yml'], ['monitoring']), ['monitoring'], env, new Date(), rotation);

    const { ok, output } = await promtoolCheck({ ...files, 'prometheus/targets/backup.json': '[{"targets": "backup:9464"}]\n' });

    expect(ok).toBe(false);
    expect(output).toContain('backup.json');
  });

  it('names every job of the shared contract, and every static target carries its service', () => {
    const text = readFileSync(join(docker, 'monitoring/prometheus/prometheus.yml'), 'utf8');
    const jobs = [...text.matchAll(/^ {2}- job_name: (\S+)$/gm)].map((match) => match[1]);
    expect(jobs.sort()).toEqual(['alertmanager', 'backend', 'backup', 'blackbox', 'cadvisor', 'cloudflared', 'edge', 'minio', 'node', 'postgres', 'prometheus'].sort());
    const staticLabels = [...text.matchAll(/^ {8}labels: (\{.*\})$/gm)].map((match) => match[1] as string);
    expect(staticLabels.length).toBeGreaterThanOrEqual(10);
    for (const labels of staticLabels) expect(labels, labels).toMatch(/service: [a-z-]+/);
  });
});

describe('the targets stack:up renders', { timeout: 60_000 }, () => {
  it('scrapes cloudflared and backup only when their profiles run', async () => {
    const { envFile, env } = exampleEnv();
    const without = renderMonitoringFiles(await renderCompose(envFile, ['compose.yml'], ['monitoring']), ['monitoring'], env, new Date(), rotation);
    const withAll = renderMonitoringFiles(await renderCompose(envFile, ['compose.yml'], ['monitoring', 'backup', 'tunnel']), ['monitoring', 'backup', 'tunnel'], env, new Date(), rotation);

    expect(groupsOf(without['prometheus/targets/cloudflared.json'] as string)).toEqual([]);
    expect(groupsOf(without['prometheus/targets/backup.json'] as string)).toEqual([]);
    expect(groupsOf(withAll['prometheus/targets/cloudflared.json'] as string)).toEqual([{ targets: ['edge:2000'], labels: { service: 'cloudflared' } }]);
    expect(groupsOf(withAll['prometheus/targets/backup.json'] as string)).toEqual([{ targets: ['backup:9464'], labels: { service: 'backup' } }]);
  });

  it('scrapes MinIO with the monitoring identity\'s token in production; probes s3rver\'s readiness where it stands in', async () => {
    const { envFile, env } = exampleEnv({ SATVACH_MINIO_MONITOR_SECRET_ACCESS_KEY: 'monitor-secret-1' });
    const now = new Date('2026-12-01T00:00:00Z');
    const production = renderMonitoringFiles(await renderCompose(envFile, ['compose.yml', 'compose.prod.yml'], ['monitoring']), ['monitoring'], env, now, rotation);
    const local = renderMonitoringFiles(await renderCompose(envFile, ['compose.yml', 'compose.local-images.yml'], ['monitoring']), ['monitoring'], env, now, rotation);

    expect(groupsOf(production['prometheus/targets/minio.json'] as string)).toEqual([
      { targets: ['minio:9000'], labels: { service: 'minio', metrics: 'cluster', __metrics_path__: '/minio/v2/metrics/cluster' } },
      { targets: ['minio:9000'], labels: { service: 'minio', metrics: 'bucket', __metrics_path__: '/minio/v2/metrics/bucket' } },
    ]);
    expect(production['prometheus/minio-token']).toBe(minioPrometheusToken('satvach-monitor', 'monitor-secret-1', now));
    expect(groupsOf(production['prometheus/targets/probes.json'] as string)[0]?.targets).toEqual(['http://minio:9000/minio/health/ready']);

    expect(groupsOf(local['prometheus/targets/minio.json'] as string)).toEqual([]);
    expect(local['prometheus/minio-token']).toBe('');
    expect(groupsOf(local['prometheus/targets/probes.json'] as string)).toEqual([{ targets: ['http://minio:9000/'], labels: { probe: 'object-storage', service: 'minio', __param_module: 'http_2xx' } }]);
  });

  it('probes the public address for TLS only when SATVACH_PUBLIC_URL is set', async () => {
    const { envFile, env } = exampleEnv({ SATVACH_PUBLIC_URL: 'https://satvach.example.com/' });
    const files = renderMonitoringFiles(await renderCompose(envFile, ['compose.yml'], ['monitoring']), ['monitoring'], env, new Date(), rotation);

    expect(groupsOf(files['prometheus/targets/probes.json'] as string).find((group) => group.labels.probe === 'tls')).toEqual({
      targets: ['https://satvach.example.com/'],
      labels: { probe: 'tls', service: 'edge', __param_module: 'https_2xx' },
    });
  });
});

describe('MinIO\'s scrape token', () => {
  it('is an HS512 JWT for the access key that openssl verifies with the secret key', async () => {
    const now = new Date('2026-12-01T00:00:00Z');
    const token = minioPrometheusToken('satvach-monitor', 'monitor-secret-1', now);
    const [header = '', claims = '', signature = ''] = token.split('.');

    expect(JSON.parse(Buffer.from(header, 'base64url').toString())).toEqual({ alg: 'HS512', typ: 'JWT' });
    const payload = JSON.parse(Buffer.from(claims, 'base64url').toString()) as { sub: string; iss: string; exp: number };
    expect(payload.sub).toBe('satvach-monitor');
    expect(payload.iss).toBe('prometheus');
    expect(payload.exp).toBeGreaterThan(now.getTime() / 1000 + 50 * 365 * 24 * 3600);
    writeFileSync(join(dir, 'signed'), `${header}.${claims}`);
    const mac = await run({ file: 'openssl', args: ['dgst', '-sha512', '-hmac', 'monitor-secret-1', join(dir, 'signed')] }, { quiet: true });
    const hex = /= ([0-9a-f]{128})$/.exec(mac.stdout.trim())?.[1] ?? mac.stdout;
    expect(Buffer.from(hex, 'hex').toString('base64url')).toBe(signature);
    expect(minioPrometheusToken('satvach-monitor', 'another-secret', now).split('.')[2]).not.toBe(signature);
  });
});

describe('the monitoring directory', { timeout: 60_000 }, () => {
  it('keeps the files in the owner-only state directory, readable by the containers\' user inside it', () => {
    const stateDir = join(dir, 'state');
    mkdirSync(stateDir, { mode: 0o755 });
    const monitoringDir = monitoringDirPath(stateDir, 'satvach-test');

    writeMonitoringFiles(monitoringDir, { 'prometheus/minio-token': 'token', 'alertmanager/alertmanager.yml': 'route: {}\n' });

    expect(statSync(stateDir).mode & 0o777).toBe(0o700);
    expect(statSync(join(monitoringDir, 'prometheus')).mode & 0o777).toBe(0o755);
    expect(readFileSync(join(monitoringDir, 'prometheus/minio-token'), 'utf8')).toBe('token');
  });

  it('as root, gives each file holding a credential to the containers\' user alone (0600, uid 65534); the rest stay 0644', () => {
    if (process.getuid?.() !== 0) throw new Error('this test checks ownership changes only root can make: run the tests as root (CI does)');
    const stateDir = join(dir, 'state');
    mkdirSync(stateDir, { mode: 0o700 });
    const monitoringDir = monitoringDirPath(stateDir, 'satvach-test');

    writeMonitoringFiles(monitoringDir, { 'prometheus/minio-token': 'token', 'alertmanager/secrets/smtp_password': 'pw', 'alertmanager/alertmanager.yml': 'route: {}\n', 'prometheus/targets/backup.json': '[]\n' });

    for (const secretFile of ['prometheus/minio-token', 'alertmanager/secrets/smtp_password', 'alertmanager/alertmanager.yml']) {
      const stat = statSync(join(monitoringDir, secretFile));
      expect([secretFile, stat.mode & 0o777, stat.uid]).toEqual([secretFile, 0o600, 65534]);
    }
    expect(statSync(join(monitoringDir, 'prometheus/targets/backup.json')).mode & 0o777).toBe(0o644);
  });

  it('holds an Alertmanager config amtool accepts', async () => {
    await needTool('amtool', 'apt-get install prometheus-alertmanager');
    const { envFile, env } = exampleEnv();
    const files = renderMonitoringFiles(await renderCompose(envFile, ['compose.yml'], ['monitoring']), ['monitoring'], env, new Date(), rotation);
    writeFileSync(join(dir, 'alertmanager.yml'), files['alertmanager/alertmanager.yml'] as string);
    expect(files['alertmanager/alertmanager.yml']).not.toContain(VALID_ALERT_ENV.SATVACH_ALERT_SMTP_PASSWORD);
    expect(Object.keys(files).filter((name) => name.startsWith('alertmanager/secrets/')).length).toBeGreaterThan(0);

    const checked = await run({ file: 'amtool', args: ['check-config', join(dir, 'alertmanager.yml')] }, { quiet: true });

    expect(checked.stdout).toContain('SUCCESS');
    // The rotation's people are paged: one receiver each, selected by their time intervals.
    const config = parse(files['alertmanager/alertmanager.yml'] as string) as { receivers: { name: string }[]; time_intervals: { name: string }[] };
    expect(config.receivers.map((receiver) => receiver.name)).toEqual(expect.arrayContaining(rotation.people.map((person) => `oncall-${person.id}`)));
    expect(config.time_intervals.map((interval) => interval.name)).toContain('oncall-primary-ada');
  });
});
