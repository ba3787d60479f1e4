import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa, type Options } from 'execa';
import { workspaceRoot } from '@nx/devkit';
import { pollUntil } from '@satvach/exec';

/** The engine, client and registry tools/scripts/docker-harness.sh provides. */
export const harness = {
  dockerHost: 'unix:///var/run/docker.sock',
  docker: '/usr/bin/docker',
  registry: '127.0.0.1:5000',
};

export const nxEnv = {
  NX_DAEMON: 'false',
  NX_NO_CLOUD: 'true',
  NX_TUI: 'false',
  NX_SKIP_NX_CACHE: 'true',
  // Tests name their own env files; a developer's docker/.env must not leak into them.
  NX_LOAD_DOT_ENV_FILES: 'false',
  DOCKER_HOST: harness.dockerHost,
  SATVACH_DOCKER_CLIENT: harness.docker,
};

export function docker(args: string[], options: Options = {}) {
  return execa(harness.docker, args, { env: { DOCKER_HOST: harness.dockerHost }, ...options });
}

/** Runs `nx <args>` in the workspace and returns its combined output and exit code (never throws). */
export async function nx(args: string[], env: Record<string, string> = {}) {
  const result = await execa(join(workspaceRoot, 'node_modules/.bin/nx'), [...args, '--outputStyle=stream'], {
    cwd: workspaceRoot,
    env: { ...nxEnv, ...env },
    all: true,
    reject: false,
  });
  return { exitCode: result.exitCode ?? -1, output: result.all ?? '' };
}

/** Fails with what to run when the harness is not up, instead of a confusing docker error later. */
export async function requireHarness(): Promise<void> {
  const engine = await docker(['info', '--format', '{{.ServerVersion}}'], { reject: false });
  const registry = await fetch(`http://${harness.registry}/v2/`).then((r) => r.ok, () => false);
  if (engine.exitCode !== 0 || !registry) {
    throw new Error(
      `the image harness is not running (engine: ${engine.exitCode === 0 ? 'up' : 'down'}, registry ${harness.registry}: ${registry ? 'up' : 'down'}); ` +
        'start it with `bash tools/scripts/docker-harness.sh`',
    );
  }
}

export function readManifest(project: string) {
  return JSON.parse(readFileSync(join(workspaceRoot, 'dist/images', `${project}.json`), 'utf8')) as {
    image: string;
    tags: string[];
    imageId: string;
    digest?: string;
    pushed?: { ref: string; digest: string }[];
  };
}

export { waitFor } from '@satvach/exec/testing';

/**
 * A container's environment as a 0600 `--env-file`: secrets never go on a `docker run -e KEY=value`
 * command line, which every local user can read in the process list.
 */
export function containerEnvFile(values: Record<string, string>): { args: string[]; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'satvach-e2e-env-'));
  const file = join(dir, 'container.env');
  writeFileSync(file, Object.entries(values).map(([key, value]) => `${key}=${value}\n`).join(''), { mode: 0o600 });
  return { args: ['--env-file', file], remove: () => rmSync(dir, { recursive: true, force: true }) };
}
