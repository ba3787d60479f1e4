import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { run } from '@satvach/exec';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { loadDeployConfig, upstreamFileOf } from './config.ts';

const workspaceRoot = resolve(import.meta.dirname, '../../..');
const docker = join(workspaceRoot, 'docker');
const PROJECT = 'satvach'; // compose-up's default project name (tools/generators/src/executors/compose-up/schema.json)

describe('the documented deploy config and the production compose stack agree', () => {
  it('networks, edge container, upstream file and state dir line up in the rendered production config', async () => {
    const envFile = join(mkdtempSync(join(tmpdir(), 'deploy-compose-')), '.env');
    writeFileSync(envFile, readFileSync(join(docker, '.env.example'), 'utf8').replaceAll('generate-on-first-start', 'placeholder'));
    const rendered = await run(
      { file: 'docker-compose', args: ['--env-file', envFile, '-p', PROJECT, '-f', 'compose.yml', '-f', 'compose.prod.yml', '-f', 'compose.deploy.yml', 'config'], cwd: docker },
      { quiet: true },
    ).catch((error: Error) => {
      throw new Error(`docker-compose config failed (is docker-compose installed? npm run setup installs it): ${error.message}`);
    });
    const compose = parse(rendered.stdout) as {
      services: Record<string, { container_name?: string; environment?: Record<string, string>; volumes?: (string | { source: string; target: string; read_only?: boolean })[]; networks?: Record<string, unknown> }>;
    };
    const config = loadDeployConfig(join(docker, 'deploy/backend.deploy.json'), workspaceRoot);
    const edge = compose.services.edge;
    const backend = compose.services.backend;

    expect(edge?.container_name).toBe(config.edge.container);
    expect(config.networks).toEqual(Object.keys(backend?.networks ?? {}).sort().map((network) => `${PROJECT}_${network}`));
    const upstreamFile = edge?.environment?.SATVACH_API_UPSTREAM_FILE ?? '';
    // docker-compose 1.29 renders the short form (source:target:ro), compose v2 the long one.
    const volumes = (edge?.volumes ?? []).map((volume) => {
      if (typeof volume !== 'string') return volume;
      const [source = '', target = '', mode] = volume.split(':');
      return { source, target, read_only: mode === 'ro' };
    });
    const mount = volumes.find((volume) => upstreamFile.startsWith(`${volume.target}/`));
    expect(mount, 'the edge mounts the directory of SATVACH_API_UPSTREAM_FILE').toBeDefined();
    expect(mount?.read_only).toBe(true);
    expect(join(mount?.source ?? '', upstreamFile.slice((mount?.target.length ?? 0) + 1))).toBe(upstreamFileOf(config));
  });
});
