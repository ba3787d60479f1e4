import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { thrown } from '@satvach/exec/testing';
import { containerNameOf, DeployConfigError, healthUrl, loadDeployConfig, memoryBytes, parseDeployConfig, upstreamAddress } from './config.ts';
import { documentedConfig } from './testing/documented.ts';

const workspaceRoot = resolve(import.meta.dirname, '../../..');
const minimal = { colours: { blue: { hostPort: 8001 }, green: { hostPort: 8002 } }, envFile: 'backend.env', edge: { container: 'satvach-edge' }, hardening: documentedConfig().hardening };

describe('deploy configuration', () => {
  it('loads the documented example (docker/deploy/backend.deploy.json)', () => {
    const config = loadDeployConfig(join(workspaceRoot, 'docker/deploy/backend.deploy.json'), workspaceRoot);
    expect(config.networks).toEqual(['satvach_backend', 'satvach_edge']);
    expect(config.canary.steps).toEqual([10, 50, 100]);
    expect(config.canary.analysis.intervalSeconds).toBe(10);
    expect(upstreamAddress(config, 'green')).toBe('satvach-backend-green:8002');
    expect(healthUrl(config, 'blue')).toBe('http://127.0.0.1:8001/health/ready');
  });

  it('fills defaults and resolves relative paths against the workspace', () => {
    const config = parseDeployConfig(minimal, 'test.json', '/ws');
    expect(config.envFile).toBe('/ws/backend.env');
    expect(config.networks).toEqual(['host']);
    expect(upstreamAddress(config, 'blue')).toBe('127.0.0.1:8001');
    expect(containerNameOf(config, 'green')).toBe('satvach-backend-green');
    expect(config.canary.analysis).toMatchObject({ minRequests: 50, maxFailedChecks: 2, max5xxIncrease: 0.01 });
  });

  it('names every bad key at once, with the file', () => {
    const bad = { ...minimal, colours: { blue: { hostPort: 0 }, green: { hostPort: 8002 } }, canary: { steps: [50, 10] }, surprise: true, networks: ['host', 'satvach_edge'] };
    const { message } = thrown(() => parseDeployConfig(bad, 'deploy.json', '/ws'), DeployConfigError);
    expect(message).toContain('deploy.json: invalid deploy configuration');
    expect(message).toContain('colours.blue.hostPort');
    expect(message).toContain('canary.steps: the last step must be 100');
    expect(message).toContain('canary.steps: steps must rise');
    expect(message).toContain('networks: "host" cannot be combined');
    expect(message).toMatch(/surprise/);
  });

  it('refuses two colours on one port', () => {
    expect(() => parseDeployConfig({ ...minimal, colours: { blue: { hostPort: 8001 }, green: { hostPort: 8001 } } }, 'c.json', '/')).toThrow(/both 8001/);
  });

  it('says how to fix a missing or broken file', () => {
    expect(() => loadDeployConfig('/no/such/deploy.json', '/')).toThrow(/cannot read the deploy configuration \/no\/such\/deploy.json/);
    expect(() => loadDeployConfig(join(workspaceRoot, 'package-lock.json'), workspaceRoot)).toThrow(/invalid deploy configuration/);
  });

  it('requires the hardening block and says where to copy it from', () => {
    const { hardening: _, ...withoutHardening } = minimal;
    expect(() => parseDeployConfig(withoutHardening, 'deploy.json', '/')).toThrow(/hardening: missing: copy the "hardening" block of docker\/deploy\/backend.deploy.json/);
  });

  it('names every bad hardening key', () => {
    const hardening = { readOnly: 'yes', tmpfs: ['tmp'], capDrop: ['all'], securityOpt: [], memory: '4k', cpus: 0, pidsLimit: 0, user: '0:0', restart: 'sometimes', logging: { driver: 'json-file', options: { 'max-size': '10m' } } };
    const { message } = thrown(() => parseDeployConfig({ ...minimal, hardening }, 'deploy.json', '/'), DeployConfigError);
    for (const problem of [
      'hardening.readOnly: Invalid input: expected boolean',
      'hardening.tmpfs.0: an absolute path',
      'hardening.capDrop.0: ALL or a capability name',
      'hardening.memory: at least 6m',
      'hardening.cpus:',
      'hardening.pidsLimit:',
      'hardening.user: must not be root',
      'hardening.restart: no, always, unless-stopped or on-failure[:N]',
      'hardening.logging.options: json-file logs grow without bound: set max-size and max-file',
    ]) {
      expect(message).toContain(problem);
    }
    expect(() => parseDeployConfig({ ...minimal, hardening: { ...minimal.hardening, user: 'root' } }, 'c', '/')).toThrow(/hardening.user: must not be root/);
    expect(() => parseDeployConfig({ ...minimal, hardening: { ...minimal.hardening, memory: '512 MB' } }, 'c', '/')).toThrow(/hardening.memory: a memory size such as 512m/);
  });

  it('memory sizes in bytes, as docker counts them', () => {
    expect([memoryBytes('512m'), memoryBytes('1g'), memoryBytes('64K'), memoryBytes('100b')]).toEqual([536_870_912, 1_073_741_824, 65_536, 100]);
    expect(() => memoryBytes('lots')).toThrow(/"lots" is not a memory size/);
  });
});
