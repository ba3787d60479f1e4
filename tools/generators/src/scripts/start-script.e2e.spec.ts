import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { CommandFailedError, run } from '@satvach/exec';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

// `npm start`'s choice of images (tools/scripts/start.sh), with a docker client that answers `pull`
// as the case needs: tests never reach a real registry. SATVACH_START_DRY_RUN stops it before
// `stack:up`; SATVACH_WORKSPACE_READY skips the install steps the surrounding `npm test` has done.
const workspaceRoot = resolve(__dirname, '../../../..');
let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'start-script-'));
  writeFileSync(join(dir, 'docker'), '#!/bin/sh\necho "$*" >>"$FAKE_DOCKER_LOG"\n[ "$1" = pull ] && [ -n "$FAKE_PULL_ERROR" ] && { echo "$FAKE_PULL_ERROR" >&2; exit 1; }\nexit 0\n');
  chmodSync(join(dir, 'docker'), 0o755);
  writeFileSync(join(dir, 'calls.log'), '');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

async function start(env: Record<string, string>, args: string[] = []) {
  const command = {
    file: 'bash',
    args: ['tools/scripts/start.sh', ...args],
    cwd: workspaceRoot,
    env: { SATVACH_WORKSPACE_READY: '1', SATVACH_START_DRY_RUN: '1', SATVACH_DOCKER_CLIENT: join(dir, 'docker'), FAKE_DOCKER_LOG: join(dir, 'calls.log'), SATVACH_IMAGES: '', ...env },
  };
  const result = await run(command, { quiet: true }).catch((error: unknown) => {
    if (error instanceof CommandFailedError) return { exitCode: error.exitCode, stdout: error.stdout, stderr: error.stderr };
    throw error;
  });
  return { ...result, dockerCalls: readFileSync(join(dir, 'calls.log'), 'utf8').trim().split('\n').filter(Boolean) };
}

const NO_REGISTRY = 'Error response from daemon: Get "https://registry-1.docker.io/v2/": dial tcp: lookup registry-1.docker.io: no such host';

describe('npm start (tools/scripts/start.sh) chooses the images by itself', () => {
  it('uses the official images when the registry answers, saying so', async () => {
    const result = await start({});

    expect(result.dockerCalls).toEqual(['pull -q postgis/postgis:15-3.4']);
    expect(result.stdout).toContain('images: official (pulled postgis/postgis:15-3.4 from its registry)');
    expect(result.stdout.trim().split('\n').at(-1)).toBe('would run: npx nx run stack:up');
  });

  it('falls back to the local stand-ins when the registry cannot be reached, with the reason in one line', async () => {
    const result = await start({ FAKE_PULL_ERROR: NO_REGISTRY });

    expect(result.stdout).toContain(`images: local stand-ins from Debian packages (postgis/postgis:15-3.4 cannot be pulled: ${NO_REGISTRY}); SATVACH_IMAGES=official forces the official ones`);
    expect(result.stdout).toContain('would run: npx nx run stack:up -c local-images');
  });

  it('SATVACH_IMAGES=official fails naming the image when it cannot be pulled, and starts nothing', async () => {
    const result = await start({ FAKE_PULL_ERROR: NO_REGISTRY, SATVACH_IMAGES: 'official' });

    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain(`start: SATVACH_IMAGES=official, but postgis/postgis:15-3.4 cannot be pulled: ${NO_REGISTRY}`);
    expect(result.stdout).not.toContain('would run');
  });

  it('an explicit configuration runs as given, without probing the registry', async () => {
    const result = await start({ FAKE_PULL_ERROR: NO_REGISTRY }, ['-c', 'production', '--profiles=backup']);

    expect(result.dockerCalls).toEqual([]);
    expect(result.stdout).toContain('would run: npx nx run stack:up -c production --profiles=backup');
  });

  it('passes extra arguments on to stack:up after its own choice', async () => {
    const result = await start({ SATVACH_IMAGES: 'local' }, ['--profiles=backup']);

    expect(result.stdout).toContain('images: local stand-ins (SATVACH_IMAGES=local)');
    expect(result.stdout).toContain('would run: npx nx run stack:up -c local-images --profiles=backup');
  });

  it('names SATVACH_IMAGES and its values when it holds something else', async () => {
    const result = await start({ SATVACH_IMAGES: 'dockerhub' });

    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain('start: SATVACH_IMAGES=dockerhub is not one of official, local, auto');
  });
});
