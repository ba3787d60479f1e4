import { describe, expect, it } from 'vitest';
import { parseDeployConfig } from './config.ts';
import { connectArgs, createColourArgs } from './docker.ts';

const base = { colours: { blue: { hostPort: 8001 }, green: { hostPort: 8002 } }, envFile: '/etc/satvach/backend.env', edge: { container: 'satvach-edge' } };
const imageId = `sha256:${'a'.repeat(64)}`;

describe('colour container argv', () => {
  it('host networking: the colour listens on its own port, secrets only through the env file', () => {
    const config = parseDeployConfig(base, 'c', '/');
    expect(createColourArgs(config, { colour: 'green', imageId, release: 'backend:v2' })).toEqual([
      'create', '--name', 'satvach-backend-green', '--restart', 'unless-stopped', '--init',
      '--env-file', '/etc/satvach/backend.env', '--env', 'SATVACH_RELEASE=backend:v2', '--env', 'SATVACH_PORT=8002',
      '--label', 'dev.satvach.deploy.colour=green', '--label', 'dev.satvach.deploy.release=backend:v2',
      '--network', 'host', imageId,
    ]);
    expect(connectArgs(config, 'green')).toEqual([]);
  });

  it('compose networks: published on loopback for probes, joined to every network before it starts', () => {
    const config = parseDeployConfig({ ...base, networks: ['satvach_backend', 'satvach_edge'] }, 'c', '/');
    const args = createColourArgs(config, { colour: 'blue', imageId, release: 'r' });
    expect(args.slice(-5)).toEqual(['--network', 'satvach_backend', '--publish', '127.0.0.1:8001:8001', imageId]);
    expect(args).toContain('SATVACH_PORT=8001');
    expect(connectArgs(config, 'blue')).toEqual([['network', 'connect', 'satvach_edge', 'satvach-backend-blue']]);
  });
});
