import { CommandFailedError, CommandStartError, describe as render, run, type Command, type RunFn } from '@satvach/exec';
import { describe, expect, it } from 'vitest';
import { DEFAULT_DOCKER_HOST, detectEngine, ensureEngineReachable } from './engine.ts';

/** A recorded docker client: key = `ENV=… docker args…` as describe() renders it, value = output or failure. */
type Recording = Record<string, { stdout?: string; stderr?: string; exitCode?: number }>;

function recorded(recording: Recording): RunFn & { calls: string[] } {
  const calls: string[] = [];
  const fake = async (command: Command) => {
    const key = render(command);
    calls.push(key);
    const entry = recording[key];
    if (entry === undefined) throw new CommandFailedError({ command: key, reason: 'exit', exitCode: 1, stdout: '', stderr: `unknown command: ${key}`, durationMs: 1 });
    const { stdout = '', stderr = '', exitCode = 0 } = entry;
    if (exitCode !== 0) throw new CommandFailedError({ command: key, reason: 'exit', exitCode, stdout, stderr, durationMs: 1 });
    return { exitCode, stdout, stderr, durationMs: 1 };
  };
  return Object.assign(fake, { calls });
}

// Outputs recorded from the real clients on the build machine (docker 28.2.2 without buildx at
// /usr/local/bin/docker, docker.io 20.10.24 at /usr/bin/docker), trimmed.
const BUILDX_UNKNOWN_28 = { exitCode: 1, stderr: "docker: unknown command: docker buildx\n\nRun 'docker --help' for more information" };
const BUILDX_MISSING_28 = {
  exitCode: 1,
  stderr: 'ERROR: BuildKit is enabled but the buildx component is missing or broken.\n       Install the buildx component to build images with BuildKit:\n       https://docs.docker.com/go/buildx/',
};
const BUILDX_UNKNOWN_20 = { exitCode: 1, stderr: "docker: 'buildx' is not a docker command.\nSee 'docker --help'" };
const BUILD_HELP_20 = {
  stdout: 'Usage:  docker build [OPTIONS] PATH | URL | -\n      --secret stringArray      Secret file to expose to the build (only\n                                if BuildKit enabled):',
};

describe('detectEngine on recorded outputs', () => {
  it('buildx when `docker buildx version` works; no further probe', async () => {
    const fake = recorded({ 'docker buildx version': { stdout: 'github.com/docker/buildx v0.17.1 257815a' } });
    expect(await detectEngine(fake)).toBe('buildx');
    expect(fake.calls).toEqual(['docker buildx version']);
  });

  it('buildkit for the 20.10 client: no buildx, but DOCKER_BUILDKIT=1 build --help works and mentions BuildKit', async () => {
    const fake = recorded({
      '/usr/bin/docker buildx version': BUILDX_UNKNOWN_20,
      'DOCKER_BUILDKIT=1 /usr/bin/docker build --help': BUILD_HELP_20,
    });
    expect(await detectEngine(fake, { docker: '/usr/bin/docker' })).toBe('buildkit');
    expect(fake.calls).toEqual(['/usr/bin/docker buildx version', 'DOCKER_BUILDKIT=1 /usr/bin/docker build --help']);
  });

  it('classic for a newer client without buildx: DOCKER_BUILDKIT=1 fails with "buildx component is missing"', async () => {
    const fake = recorded({ 'docker buildx version': BUILDX_UNKNOWN_28, 'DOCKER_BUILDKIT=1 docker build --help': BUILDX_MISSING_28 });
    expect(await detectEngine(fake)).toBe('classic');
  });

  it('classic for an old client whose build help does not mention BuildKit', async () => {
    const fake = recorded({ 'docker buildx version': BUILDX_UNKNOWN_20, 'DOCKER_BUILDKIT=1 docker build --help': { stdout: 'Usage:  docker build [OPTIONS] PATH' } });
    expect(await detectEngine(fake)).toBe('classic');
  });

  it('a missing docker client is an error, not classic', async () => {
    const missing: RunFn = async () => {
      throw new CommandStartError('cannot start "docker": the program is not installed or not on PATH', 'docker buildx version', 'ENOENT');
    };
    await expect(detectEngine(missing)).rejects.toThrow('not installed or not on PATH');
  });
});

describe('ensureEngineReachable', () => {
  it('returns the server version', async () => {
    const fake = recorded({ "docker info --format '{{.ServerVersion}}'": { stdout: '28.2.2\n' } });
    expect(await ensureEngineReachable(fake, {})).toBe('28.2.2');
  });

  it('names the default socket when DOCKER_HOST is not set', async () => {
    const fake = recorded({});
    await expect(ensureEngineReachable(fake, {})).rejects.toThrow(
      `cannot reach a Docker engine at ${DEFAULT_DOCKER_HOST}; start Docker or set DOCKER_HOST`,
    );
  });

  it('passes DOCKER_HOST to the client and names it', async () => {
    const fake = recorded({});
    await expect(ensureEngineReachable(fake, { DOCKER_HOST: 'tcp://127.0.0.1:2375' })).rejects.toThrow(
      'cannot reach a Docker engine at tcp://127.0.0.1:2375; start Docker or set DOCKER_HOST',
    );
    expect(fake.calls).toEqual(["DOCKER_HOST=tcp://127.0.0.1:2375 docker info --format '{{.ServerVersion}}'"]);
  });

  it('the real docker client against a socket that does not exist', async () => {
    const dockerHost = `unix:///tmp/satvach-no-docker-${process.pid}/docker.sock`;
    const error: unknown = await ensureEngineReachable(run, { DOCKER_HOST: dockerHost }, { docker: '/usr/local/bin/docker' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toBe(`cannot reach a Docker engine at ${dockerHost}; start Docker or set DOCKER_HOST`);
    expect((error as Error).cause).toBeInstanceOf(CommandFailedError);
  });
});
