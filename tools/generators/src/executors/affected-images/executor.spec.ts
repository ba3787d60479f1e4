import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { workspaceRoot } from '@nx/devkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CommandFailedError, run } from '@satvach/exec';
import { createWorkspaceCopy, type WorkspaceCopy } from '@satvach/ci/testing';

// `nx run platform:affected-images` end to end, in a git copy of the workspace: the target is
// wired, its options reach the library, it prints the set with reasons and writes the JSON CD reads.

let copy: WorkspaceCopy;
let base: string;

async function nxRun(...args: string[]) {
  const command = { file: join(copy.root, 'node_modules/.bin/nx'), args: ['run', 'platform:affected-images', ...args], cwd: copy.root, env: { NX_DAEMON: 'false', NX_TUI: 'false', NX_NO_CLOUD: 'true' } };
  const result = await run(command, { quiet: true }).catch((error: unknown) => {
    if (error instanceof CommandFailedError) return { exitCode: error.exitCode, stdout: error.stdout, stderr: error.stderr };
    throw error;
  });
  return { exitCode: result.exitCode, output: `${result.stdout}\n${result.stderr}` };
}

beforeAll(async () => {
  copy = await createWorkspaceCopy(workspaceRoot, 'satvach-affected-images-');
  base = await copy.git('rev-parse', 'HEAD');
  await copy.commitTouching('apps/frontend/src/App.tsx');
});
afterAll(() => copy.remove());

describe('nx run platform:affected-images', () => {
  it('prints the set with reasons and writes --output', async () => {
    const { exitCode, output } = await nxRun(`--base=${base}`, '--head=HEAD', '--output=dist/ci/images.json');
    expect(exitCode).toBe(0);
    expect(output).toContain('images to rebuild (1): frontend');
    expect(output).toContain('- changed in apps/frontend: apps/frontend/src/App.tsx');
    const json = JSON.parse(await readFile(join(copy.root, 'dist/ci/images.json'), 'utf8')) as { mode: string; base: string; images: { project: string }[] };
    expect(json).toMatchObject({ mode: 'diff', base, images: [{ project: 'frontend' }] });
  });

  it('--all rebuilds every image and prints why', async () => {
    const { exitCode, output } = await nxRun('--all', '--allReason=no successful CD run on main');
    expect(exitCode).toBe(0);
    expect(output).toContain('note: rebuilding every image: no successful CD run on main');
    expect(output).toMatch(/images to rebuild \(\d+\): backend, backup-image, frontend/);
  });

  it('fails with the reason when head is not a commit', async () => {
    const { exitCode, output } = await nxRun(`--base=${base}`, '--head=no-such-ref');
    expect(exitCode).not.toBe(0);
    expect(output).toContain('affected-images failed: head "no-such-ref" is not a commit');
  });
});
