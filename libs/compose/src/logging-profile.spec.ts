// The logging profile as docker-compose renders it for production (compose.yml + compose.prod.yml):
// the settings docker/monitoring/logging/README.md promises, read from the real tool's output.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { run } from '@satvach/exec';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const docker = resolve(import.meta.dirname, '../../../docker');
type Service = Record<string, unknown> & { command?: string[]; volumes?: unknown[]; profiles?: string[] };

async function render(profiles: string[]): Promise<Record<string, Service>> {
  const envFile = join(mkdtempSync(join(tmpdir(), 'logging-compose-')), '.env');
  writeFileSync(envFile, readFileSync(join(docker, '.env.example'), 'utf8').replaceAll('generate-on-first-start', 'placeholder').replace(/^SATVACH_LOGS_SHIPPER_IMAGE=$/m, 'SATVACH_LOGS_SHIPPER_IMAGE=ghcr.io/satvach/logs-shipper:sha-1a2b3c4'));
  const { stdout } = await run(
    { file: 'docker-compose', args: ['--env-file', envFile, '-p', 'satvach', '-f', 'compose.yml', '-f', 'compose.prod.yml', ...profiles.flatMap((p) => ['--profile', p]), 'config'], cwd: docker },
    { quiet: true },
  ).catch((error: Error) => {
    throw new Error(`docker-compose config failed (is docker-compose installed? npm run setup installs it): ${error.message}`);
  });
  return (parse(stdout) as { services: Record<string, Service> }).services;
}

type LongVolume = { source: string; target: string; read_only?: boolean };
type LongPort = { host_ip?: string; published: number | string; target: number };
/** docker-compose 1.29 renders short forms, compose v2 long ones: both as `source:target:ro|rw`. */
const volumeText = (volume: unknown) =>
  typeof volume === 'string' ? volume : `${(volume as LongVolume).source}:${(volume as LongVolume).target}:${(volume as LongVolume).read_only ? 'ro' : 'rw'}`;
const portText = (port: unknown) => (typeof port === 'string' ? port.replace(/\/tcp$/, '') : `${(port as LongPort).host_ip}:${(port as LongPort).published}:${(port as LongPort).target}`);

let services: Record<string, Service>;
beforeAll(async () => {
  services = await render(['logging']);
});

describe('the logging profile (production render)', () => {
  it('VictoriaLogs: the pinned official image, 30-day retention with a disk cap, its data in a volume, as nobody, limited, health-checked', () => {
    const store = services.victorialogs as Service;
    expect(store.image).toBe('victoriametrics/victoria-logs:v1.52.1');
    expect(store.command).toEqual(expect.arrayContaining(['-storageDataPath=/victoria-logs-data', '-retentionPeriod=30d', '-retention.maxDiskSpaceUsageBytes=5GiB', '-httpListenAddr=:9428']));
    expect(store.volumes?.map(volumeText)).toEqual(['victorialogs-data:/victoria-logs-data:rw']);
    expect(store).toMatchObject({ user: '65534:65534', cpus: 0.5, read_only: true, cap_drop: ['ALL'], expose: ['9428'], profiles: ['logging'] });
    expect(String(store.mem_limit)).toMatch(/^(512m|536870912)$/);
    expect((store.ports as unknown[]).map(portText)).toEqual(['127.0.0.1:9428:9428']);
    expect((store.healthcheck as { test: string[] }).test).toEqual(['CMD', 'wget', '-qO-', 'http://127.0.0.1:9428/health']);
  });

  it('the shipper: the socket read-only, its cursors in a volume, no capability, read-only root, limited, after a healthy store', () => {
    const shipper = services['logs-shipper'] as Service;
    expect(shipper.volumes?.map(volumeText).sort()).toEqual(['/var/run/docker.sock:/var/run/docker.sock:ro', 'logs-shipper-state:/state:rw']);
    expect(shipper).toMatchObject({ cap_drop: ['ALL'], read_only: true, security_opt: ['no-new-privileges:true'], cpus: 0.25, profiles: ['logging'] });
    expect(String(shipper.mem_limit)).toMatch(/^(128m|134217728)$/);
    expect(shipper.depends_on).toEqual({ victorialogs: { condition: 'service_healthy' } });
    expect(shipper.environment).toEqual({ SATVACH_LOGS_PUSH_URL: 'http://victorialogs:9428', SATVACH_LOGS_FORMAT: 'jsonline' });
  });
});
