import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Command, RunFn } from '@satvach/exec';
import { describe, expect, it } from 'vitest';
import { parseDeployConfig } from './config.ts';
import { connectArgs, createColourArgs, DockerHost, hardeningArgs } from './docker.ts';
import { documentedConfig } from './testing/documented.ts';

const base = { colours: { blue: { hostPort: 8001 }, green: { hostPort: 8002 } }, envFile: '/etc/satvach/backend.env', edge: { container: 'satvach-edge' }, hardening: documentedConfig().hardening };
const imageId = `sha256:${'a'.repeat(64)}`;

describe('colour container argv', () => {
  it('host networking: the colour listens on its own port, secrets only through the env file', () => {
    const config = parseDeployConfig(base, 'c', '/');
    expect(createColourArgs(config, { colour: 'green', imageId, release: 'backend:v2' })).toEqual([
      'create', '--name', 'satvach-backend-green', '--init',
      '--user', '10001', '--restart', 'unless-stopped', '--read-only', '--tmpfs', '/tmp', '--cap-drop', 'ALL',
      '--security-opt', 'no-new-privileges:true', '--memory', '512m', '--cpus', '1', '--pids-limit', '256',
      '--log-driver', 'json-file', '--log-opt', 'max-size=10m', '--log-opt', 'max-file=5',
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

  it('every setting of the hardening block becomes its docker create option', () => {
    const hardening = parseDeployConfig(
      {
        ...base,
        hardening: {
          readOnly: false, tmpfs: ['/tmp:size=64m', '/run'], capDrop: ['ALL'], securityOpt: ['no-new-privileges:true', 'seccomp=/etc/docker/seccomp.json'],
          memory: '1g', cpus: 0.5, pidsLimit: 64, user: '10001:10001', restart: 'on-failure:3', logging: { driver: 'local', options: { 'max-size': '20m', 'max-file': '3', compress: 'true' } },
        },
      },
      'c',
      '/',
    ).hardening;
    expect(hardeningArgs(hardening)).toEqual([
      '--user', '10001:10001', '--restart', 'on-failure:3', '--tmpfs', '/tmp:size=64m', '--tmpfs', '/run', '--cap-drop', 'ALL',
      '--security-opt', 'no-new-privileges:true', '--security-opt', 'seccomp=/etc/docker/seccomp.json',
      '--memory', '1g', '--cpus', '0.5', '--pids-limit', '64',
      '--log-driver', 'local', '--log-opt', 'max-size=20m', '--log-opt', 'max-file=3', '--log-opt', 'compress=true',
    ]);
  });

  it('no secret of the env file reaches any argv or env of the commands that start a colour', async () => {
    const password = 'pw-9f2c1e7a-in-the-env-file';
    const envFile = join(mkdtempSync(join(tmpdir(), 'deploy-argv-')), 'backend.env');
    writeFileSync(envFile, `SATVACH_DATABASE_URL=postgresql+asyncpg://satvach_app:${password}@db:5432/satvach\nSATVACH_S3_SECRET_ACCESS_KEY=${password}-s3\n`, { mode: 0o600 });
    const config = parseDeployConfig({ ...base, envFile, networks: ['satvach_backend', 'satvach_edge'] }, 'c', '/');
    const commands: Command[] = [];
    const recordingRun: RunFn = async (command) => {
      commands.push(command);
      return { exitCode: 0, stdout: '', stderr: '', durationMs: 0 };
    };
    await new DockerHost(recordingRun, 'docker').start(config, { colour: 'blue', imageId, release: 'backend:v2' });

    expect(commands.map((command) => command.args[0])).toEqual(['create', 'network', 'start']);
    const create = commands[0]?.args.map(String) ?? [];
    expect(create[create.indexOf('--env-file') + 1]).toBe(envFile);
    // The only variables on the command line are the release and the port.
    expect(create.flatMap((arg, i) => (create[i - 1] === '--env' ? [arg.split('=')[0]] : []))).toEqual(['SATVACH_RELEASE', 'SATVACH_PORT']);
    for (const command of commands) expect(JSON.stringify([command.args.map(String), command.env, command.input])).not.toContain(password);
  });
});
