import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { run } from '@satvach/exec';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { type Hardening, loadDeployConfig, memoryBytes, upstreamFileOf } from './config.ts';

const workspaceRoot = resolve(import.meta.dirname, '../../..');
const docker = join(workspaceRoot, 'docker');
const PROJECT = 'satvach'; // compose-up's default project name (tools/generators/src/executors/compose-up/schema.json)

type Volume = string | { source: string; target: string; read_only?: boolean };
type Service = Record<string, unknown> & { container_name?: string; environment?: Record<string, string>; volumes?: Volume[]; networks?: Record<string, unknown> };

/** The production stack as docker-compose renders it (compose.yml + compose.prod.yml + compose.deploy.yml). */
async function renderProductionStack(): Promise<Record<string, Service>> {
  const envFile = join(mkdtempSync(join(tmpdir(), 'deploy-compose-')), '.env');
  writeFileSync(envFile, readFileSync(join(docker, '.env.example'), 'utf8').replaceAll('generate-on-first-start', 'placeholder'));
  const rendered = await run(
    { file: 'docker-compose', args: ['--env-file', envFile, '-p', PROJECT, '-f', 'compose.yml', '-f', 'compose.prod.yml', '-f', 'compose.deploy.yml', 'config'], cwd: docker },
    { quiet: true },
  ).catch((error: Error) => {
    throw new Error(`docker-compose config failed (is docker-compose installed? npm run setup installs it): ${error.message}`);
  });
  return (parse(rendered.stdout) as { services: Record<string, Service> }).services;
}

/** The user the backend image runs as: the last USER of apps/backend/Dockerfile. */
function imageUser(): string {
  const users = [...readFileSync(join(workspaceRoot, 'apps/backend/Dockerfile'), 'utf8').matchAll(/^USER\s+(\S+)/gm)];
  return users.at(-1)?.[1] ?? 'root';
}

/** Keys of the compose backend that are not container settings: what it runs and how compose wires it (the deploy has its own). */
const WIRING_KEYS = ['image', 'environment', 'expose', 'healthcheck', 'depends_on', 'networks'];

/** The hardening block in compose's terms, as docker-compose (1.29 or v2) renders them. */
function composeTermsOf(hardening: Hardening) {
  return {
    restart: hardening.restart,
    read_only: hardening.readOnly,
    tmpfs: hardening.tmpfs,
    cap_drop: hardening.capDrop,
    security_opt: hardening.securityOpt,
    mem_limit: memoryBytes(hardening.memory),
    cpus: hardening.cpus,
    pids_limit: hardening.pidsLimit,
    logging: hardening.logging,
    user: hardening.user,
  };
}

function renderedTermsOf(service: Service, userOfImage: string): Record<keyof ReturnType<typeof composeTermsOf>, unknown> {
  const list = (value: unknown) => (value === undefined ? [] : typeof value === 'string' ? [value] : value);
  // docker-compose 1.29 keeps `512m`, compose v2 renders bytes as a string.
  const memory = (value: unknown) => (value === undefined ? undefined : /^\d+$/.test(String(value)) ? Number(value) : memoryBytes(String(value)));
  return {
    restart: service.restart,
    read_only: service.read_only ?? false,
    tmpfs: list(service.tmpfs),
    cap_drop: list(service.cap_drop),
    security_opt: list(service.security_opt),
    mem_limit: memory(service.mem_limit),
    cpus: service.cpus === undefined ? undefined : Number(service.cpus),
    pids_limit: service.pids_limit === undefined ? undefined : Number(service.pids_limit),
    logging: service.logging,
    user: service.user ?? userOfImage,
  };
}

/** Every difference between production's compose backend and the deploy's colours, by compose key. */
function hardeningDrift(service: Service, userOfImage: string, hardening: Hardening): string[] {
  const expected = composeTermsOf(hardening);
  const rendered = renderedTermsOf(service, userOfImage);
  const unmirrored = Object.keys(service).filter((key) => !(key in expected) && !WIRING_KEYS.includes(key));
  return [
    ...unmirrored.map((key) => `${key}: set on the compose backend, but the deploy's hardening block has no such setting; add it to libs/deploy/src/config.ts (HardeningSchema) and docker.ts (hardeningArgs)`),
    ...Object.entries(expected)
      .filter(([key, value]) => !isDeepStrictEqual(rendered[key as keyof typeof rendered], value))
      .map(([key, value]) => `${key}: docker/compose.prod.yml's backend has ${JSON.stringify(rendered[key as keyof typeof rendered])}, the deploy's hardening block gives ${JSON.stringify(value)}; make them equal`),
  ];
}

let services: Record<string, Service>;
beforeAll(async () => {
  services = await renderProductionStack();
});

describe('the documented deploy config and the production compose stack agree', () => {
  const config = loadDeployConfig(join(docker, 'deploy/backend.deploy.json'), workspaceRoot);

  it('networks, edge container, upstream file and state dir line up in the rendered production config', () => {
    const edge = services.edge;
    const backend = services.backend;

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

  it('the colours run with exactly the hardening of the production compose backend, as a non-root user', () => {
    expect(hardeningDrift(services.backend ?? {}, imageUser(), config.hardening)).toEqual([]);
    // The floor neither side may drop below, so that loosening both at once is not missed.
    expect(config.hardening).toMatchObject({ readOnly: true, capDrop: ['ALL'], securityOpt: expect.arrayContaining(['no-new-privileges:true']), user: imageUser() });
    expect(config.hardening.logging.options).toMatchObject({ 'max-size': expect.any(String), 'max-file': expect.any(String) });
    expect(imageUser()).toBe('10001');
  });

  it('a change on either side is drift, named by its compose key', () => {
    const backend = services.backend ?? {};
    expect(hardeningDrift({ ...backend, mem_limit: '256m' }, imageUser(), config.hardening)).toEqual([
      `mem_limit: docker/compose.prod.yml's backend has 268435456, the deploy's hardening block gives 536870912; make them equal`,
    ]);
    expect(hardeningDrift(backend, imageUser(), { ...config.hardening, readOnly: false, logging: { driver: 'json-file', options: { 'max-size': '10m', 'max-file': '3' } } })).toEqual([
      `read_only: docker/compose.prod.yml's backend has true, the deploy's hardening block gives false; make them equal`,
      `logging: docker/compose.prod.yml's backend has {"driver":"json-file","options":{"max-file":"5","max-size":"10m"}}, the deploy's hardening block gives {"driver":"json-file","options":{"max-size":"10m","max-file":"3"}}; make them equal`,
    ]);
    expect(hardeningDrift({ ...backend, cap_add: ['NET_ADMIN'] }, imageUser(), config.hardening)).toEqual([
      `cap_add: set on the compose backend, but the deploy's hardening block has no such setting; add it to libs/deploy/src/config.ts (HardeningSchema) and docker.ts (hardeningArgs)`,
    ]);
    expect(hardeningDrift(backend, 'root', config.hardening)).toEqual([`user: docker/compose.prod.yml's backend has "root", the deploy's hardening block gives "10001"; make them equal`]);
  });
});
