import { join } from 'node:path';
import { execa } from 'execa';
import { workspaceRoot } from '@nx/devkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWorkspaceCopy, type WorkspaceCopy } from '@satvach/ci/testing';

// These tests ask Nx's real project graph, in a throwaway git copy of this workspace, which tasks
// `nx affected -t test build` would run after one commit. They guard the acceptance rule that a
// change to one app never schedules another app's tasks.

let copy: WorkspaceCopy;

const env = { NX_DAEMON: 'false', NX_NO_CLOUD: 'true', NX_TUI: 'false', CI: 'true' };

async function commitTouching(...files: string[]) {
  await copy.commitTouching(...files);
}

/** Task ids `nx affected -t test build` would run for the last commit, from Nx's own task graph. */
async function affectedTasks(): Promise<string[]> {
  const { stdout } = await execa(
    'node',
    [join(copy.root, 'node_modules/.bin/nx'), 'affected', '-t', 'test', 'build', '--base=HEAD~1', '--head=HEAD', '--graph=stdout'],
    { cwd: copy.root, env },
  );
  const graph = JSON.parse(stdout) as { tasks: { tasks: Record<string, unknown> } };
  return Object.keys(graph.tasks.tasks).sort();
}

const projectOf = (taskId: string) => taskId.split(':')[0];

beforeAll(async () => {
  copy = await createWorkspaceCopy(workspaceRoot, 'satvach-graph-');
}, 60_000);

afterAll(() => copy.remove());

describe('nx affected on the real workspace graph', () => {
  it('schedules only frontend tasks after a frontend source change', async () => {
    await commitTouching('apps/frontend/src/App.tsx');

    const tasks = await affectedTasks();

    expect(tasks.length).toBeGreaterThan(0);
    expect(new Set(tasks.map(projectOf))).toEqual(new Set(['frontend']));
    expect(tasks).toEqual(expect.arrayContaining(['frontend:build', 'frontend:test']));
  });

  it('schedules only backend tasks after a backend Python change', async () => {
    await commitTouching('apps/backend/src/satvach/main.py');

    const tasks = await affectedTasks();

    expect(new Set(tasks.map(projectOf))).toEqual(new Set(['backend']));
    expect(tasks).toContain('backend:test');
  });

  it('schedules nothing after a README-only change', async () => {
    await commitTouching('README.md');

    expect(await affectedTasks()).toEqual([]);
  });

  it('schedules the contract library and both apps that rely on it after a contract change', async () => {
    await commitTouching('libs/api-contract/src/index.ts');

    const projects = new Set((await affectedTasks()).map(projectOf));

    expect(projects).toEqual(new Set(['api-contract', 'frontend', 'backend']));
  });
});
