import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Command, type RunFn, silentLogger } from '@satvach/exec';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildImage, type BuildImageRequest } from './build-image.ts';

let workspaceRoot: string;
beforeEach(() => {
  workspaceRoot = mkdtempSync(join(tmpdir(), 'build-image-'));
  mkdirSync(join(workspaceRoot, 'apps/api'), { recursive: true });
});
afterEach(() => rmSync(workspaceRoot, { recursive: true, force: true }));

const git = { sha: 'a'.repeat(40), shortSha: 'aaaaaaa', branch: 'main', tags: [], defaultBranch: 'main', pullRequest: null, isDirty: false, remoteUrl: null, commitTime: '2026-11-28T10:00:00.000Z' };
const events = silentLogger;

function request(overrides: Partial<BuildImageRequest> = {}): BuildImageRequest {
  return { workspaceRoot, project: 'api', imageName: 'api', registry: '127.0.0.1:5000/satvach', dockerfile: 'apps/api/Dockerfile', context: 'apps/api', git, env: {}, ...overrides };
}

/** Fails the test if anything is run: bad input must be refused before the first process. */
function nothingRuns(): { run: RunFn; calls: Command[] } {
  const calls: Command[] = [];
  return { run: async (command) => { calls.push(command); throw new Error('nothing should run'); }, calls };
}

describe('buildImage refuses bad input before running anything', () => {
  it('names the missing Dockerfile and the option that fixes it', async () => {
    const { run, calls } = nothingRuns();

    await expect(buildImage(request(), run, events)).rejects.toThrow('no Dockerfile at apps/api/Dockerfile for project api; add one or set the dockerfile option');
    expect(calls).toEqual([]);
  });

  it('names a missing build context and a missing secret file', async () => {
    writeFileSync(join(workspaceRoot, 'apps/api/Dockerfile'), 'FROM scratch\n');
    const { run, calls } = nothingRuns();

    await expect(buildImage(request({ context: 'apps/nope' }), run, events)).rejects.toThrow('the build context apps/nope of project api does not exist; fix the context option');
    await expect(buildImage(request({ secrets: [{ id: 'extra_ca', src: 'ca.pem' }] }), run, events)).rejects.toThrow('build secret "extra_ca" points at ca.pem, which does not exist');
    expect(calls).toEqual([]);
  });
});
