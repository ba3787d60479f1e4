import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { containerNameOf, DeployConfigError, healthUrl, loadDeployConfig, parseDeployConfig, upstreamAddress } from './config.ts';

const workspaceRoot = resolve(import.meta.dirname, '../../..');
const minimal = { colours: { blue: { hostPort: 8001 }, green: { hostPort: 8002 } }, envFile: 'backend.env', edge: { container: 'satvach-edge' } };

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
    expect(() => parseDeployConfig(bad, 'deploy.json', '/ws')).toThrow(DeployConfigError);
    try {
      parseDeployConfig(bad, 'deploy.json', '/ws');
    } catch (error) {
      const message = (error as Error).message;
      expect(message).toContain('deploy.json: invalid deploy configuration');
      expect(message).toContain('colours.blue.hostPort');
      expect(message).toContain('canary.steps: the last step must be 100');
      expect(message).toContain('canary.steps: steps must rise');
      expect(message).toContain('networks: "host" cannot be combined');
      expect(message).toMatch(/surprise/);
    }
  });

  it('refuses two colours on one port', () => {
    expect(() => parseDeployConfig({ ...minimal, colours: { blue: { hostPort: 8001 }, green: { hostPort: 8001 } } }, 'c.json', '/')).toThrow(/both 8001/);
  });

  it('says how to fix a missing or broken file', () => {
    expect(() => loadDeployConfig('/no/such/deploy.json', '/')).toThrow(/cannot read the deploy configuration \/no\/such\/deploy.json/);
    expect(() => loadDeployConfig(join(workspaceRoot, 'package-lock.json'), workspaceRoot)).toThrow(/invalid deploy configuration/);
  });
});
