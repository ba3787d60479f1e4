import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Command, CommandFailedError, type RunFn, type RunResult, silentLogger } from '@satvach/exec';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readImageManifest, writeImageManifest, imageManifestPath } from './manifest.ts';
import { pushedDigest, pushImage, registryCredentials } from './push-image.ts';

const IMAGE_ID = `sha256:${'a'.repeat(64)}`;
const DIGEST = `sha256:${'b'.repeat(64)}`;
let workspaceRoot: string;

beforeEach(async () => {
  workspaceRoot = mkdtempSync(join(tmpdir(), 'push-image-'));
  await writeImageManifest(workspaceRoot, {
    project: 'backend',
    image: '127.0.0.1:5000/satvach/backend',
    tags: ['sha-0123abc', 'main'],
    imageId: IMAGE_ID,
    durationMs: 10,
    builtAt: '2026-11-28T10:00:00.000Z',
    gitSha: '0123abc'.padEnd(40, '0'),
  });
});
afterEach(() => rmSync(workspaceRoot, { recursive: true, force: true }));

const ok = (stdout = ''): RunResult => ({ exitCode: 0, stdout, stderr: '', durationMs: 1 });

/** Records each command and answers like the docker client would. */
function recorder(answer: (command: Command, calls: Command[]) => RunResult): { run: RunFn; calls: Command[] } {
  const calls: Command[] = [];
  const run: RunFn = async (command) => {
    calls.push(command);
    return answer(command, calls);
  };
  return { run, calls };
}
const events = silentLogger;

describe('registryCredentials', () => {
  it('uses GITHUB_ACTOR/GITHUB_TOKEN only for GHCR', () => {
    const env = { GITHUB_ACTOR: 'octo', GITHUB_TOKEN: 'ghs_x' };
    expect(registryCredentials('ghcr.io/acme', env)).toEqual({ user: 'octo', password: 'ghs_x', source: 'GITHUB_ACTOR/GITHUB_TOKEN' });
    expect(registryCredentials('registry.example.com/acme', env)).toBeUndefined();
  });

  it('prefers REGISTRY_USER/REGISTRY_PASSWORD for any registry', () => {
    const env = { GITHUB_ACTOR: 'octo', GITHUB_TOKEN: 't', REGISTRY_USER: 'u', REGISTRY_PASSWORD: 'p' };
    expect(registryCredentials('ghcr.io/acme', env)?.source).toBe('REGISTRY_USER/REGISTRY_PASSWORD');
  });
});

describe('pushedDigest', () => {
  it('reads the digest docker push prints last', () => {
    expect(pushedDigest(`main: digest: ${DIGEST} size: 1573\n`)).toBe(DIGEST);
    expect(pushedDigest('denied: requested access to the resource is denied')).toBeUndefined();
  });
});

describe('pushImage', () => {
  it('pushes every tag and records the digests after the last one', async () => {
    const { run, calls } = recorder((command) =>
      command.args[0] === 'image' ? ok(`${IMAGE_ID}\n`) : ok(`x: digest: ${DIGEST} size: 1\n`),
    );

    const manifest = await pushImage({ workspaceRoot, project: 'backend', env: {} }, run, events);

    expect(calls.map((call) => call.args.join(' '))).toEqual([
      'image inspect --format {{.Id}} 127.0.0.1:5000/satvach/backend:sha-0123abc',
      'push 127.0.0.1:5000/satvach/backend:sha-0123abc',
      'push 127.0.0.1:5000/satvach/backend:main',
    ]);
    expect(manifest.digest).toBe(DIGEST);
    expect((await readImageManifest(imageManifestPath(workspaceRoot, 'backend'))).pushed).toEqual([
      { ref: '127.0.0.1:5000/satvach/backend:sha-0123abc', digest: DIGEST },
      { ref: '127.0.0.1:5000/satvach/backend:main', digest: DIGEST },
    ]);
  });

  it('logs in with the password on stdin only', async () => {
    const { run, calls } = recorder((command) =>
      command.args[0] === 'image' ? ok(IMAGE_ID) : ok(`x: digest: ${DIGEST} size: 1\n`),
    );

    await pushImage({ workspaceRoot, project: 'backend', env: { REGISTRY_USER: 'ci', REGISTRY_PASSWORD: 'hunter22' } }, run, events);

    const login = calls.find((call) => call.args[0] === 'login');
    expect(login?.args).toEqual(['login', '127.0.0.1:5000', '--username', 'ci', '--password-stdin']);
    expect(JSON.stringify(login?.args)).not.toContain('hunter22');
    expect(String(login?.input)).toBe('***');
  });

  it('retries a transient failure and then succeeds', async () => {
    let pushes = 0;
    const { run } = recorder((command) => {
      if (command.args[0] === 'image') return ok(IMAGE_ID);
      pushes += 1;
      if (pushes === 1) throw new CommandFailedError({ command: command.args.join(' '), reason: 'exit', exitCode: 1, stdout: '', stderr: 'received unexpected HTTP status: 503 Service Unavailable', durationMs: 1 });
      return ok(`x: digest: ${DIGEST} size: 1\n`);
    });

    const manifest = await pushImage({ workspaceRoot, project: 'backend', env: {}, delay: async () => {} }, run, events);

    expect(pushes).toBe(3);
    expect(manifest.pushed).toHaveLength(2);
  });

  it('records nothing as pushed when a tag fails for good', async () => {
    const { run } = recorder((command) => {
      if (command.args[0] === 'image') return ok(IMAGE_ID);
      if (String(command.args[1]).endsWith(':main')) {
        throw new CommandFailedError({ command: command.args.join(' '), reason: 'exit', exitCode: 1, stdout: '', stderr: 'denied: requested access to the resource is denied', durationMs: 1 });
      }
      return ok(`x: digest: ${DIGEST} size: 1\n`);
    });

    await expect(pushImage({ workspaceRoot, project: 'backend', env: {} }, run, events)).rejects.toThrow(/denied/);
    const manifest = await readImageManifest(imageManifestPath(workspaceRoot, 'backend'));
    expect(manifest.digest).toBeUndefined();
    expect(manifest.pushed).toBeUndefined();
  });

  it('refuses when the built image is gone from the engine', async () => {
    const { run } = recorder(() => ok(`sha256:${'c'.repeat(64)}`));

    await expect(pushImage({ workspaceRoot, project: 'backend', env: {} }, run, events)).rejects.toThrow(
      /is no longer in the local engine; run docker-build for backend again/,
    );
  });

  it('only describes the push on a dry run', async () => {
    const { run, calls } = recorder(() => ok());
    const lines: string[] = [];

    await pushImage({ workspaceRoot, project: 'backend', env: {}, dryRun: true }, run, { ...silentLogger, info: (line) => lines.push(line) });

    expect(calls).toEqual([]);
    expect(lines.join('\n')).toContain('127.0.0.1:5000/satvach/backend:main');
  });

  it('tells the user to build first when there is no manifest', async () => {
    const { run } = recorder(() => ok());

    await expect(pushImage({ workspaceRoot, project: 'frontend', env: {} }, run, events)).rejects.toThrow(/run docker-build for frontend first/);
  });
});
