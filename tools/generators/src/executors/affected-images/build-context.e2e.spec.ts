import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { execa } from 'execa';
import { workspaceRoot } from '@nx/devkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildSees, readWorkspaceGraph, type WorkspaceGraph } from '@satvach/ci';
import { docker, requireHarness } from '../../e2e-support.ts';

// The image set decides "the build sees this file" with @balena/dockerignore. Here BuildKit itself
// says what it sends: each image's real context layout (every tracked file, plus the caches, env
// files and spec files the ignore rules are for) with its real ignore file, built `FROM scratch` with
// `COPY . /ctx/` and exported to a directory. The files that arrive must be exactly the files the
// image set calls visible.

const extras = [
  'apps/backend/.env',
  'apps/backend/.env.local',
  'apps/backend/.venv/bin/python',
  'apps/backend/.pytest_cache/v/cache/nodeids',
  'apps/backend/src/satvach/__pycache__/main.cpython-311.pyc',
  'apps/backend/src/satvach/.env.production',
  'apps/backend/alembic/versions/__pycache__/x.pyc',
  'apps/backend/tests/test_new.py',
  'apps/frontend/src/New.spec.tsx',
  'apps/frontend/.env',
  'apps/frontend/.env.example',
  'libs/backup/src/testing/helper.ts',
  'libs/backup/src/new.spec.ts',
  'node_modules/some-package/index.js',
  'libs/ci/node_modules/x/index.js',
  'dist/images/backend.json',
  '.nx/workspace-data/x',
];

let graph: WorkspaceGraph;
let tracked: string[];
const scratch = mkdtempSync(join(tmpdir(), 'satvach-build-context-'));

beforeAll(async () => {
  await requireHarness();
  graph = await readWorkspaceGraph(workspaceRoot);
  const { stdout } = await execa('git', ['ls-files', '-z'], { cwd: workspaceRoot });
  tracked = stdout.split('\0').filter(Boolean);
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(dir, join(entry.parentPath, entry.name)));
}

describe('what BuildKit sends is what the image set calls visible', () => {
  it.each(['backend', 'frontend', 'backup-image'])('%s', async (project) => {
    const image = graph.projects[project]?.image;
    if (image === undefined) throw new Error(`${project} has no docker-build target in the Nx graph`);
    const context = image.context === '.' ? '' : image.context.replace(/\/$/, '');
    const inContext = (file: string) => context === '' || file.startsWith(`${context}/`);
    const dir = join(scratch, project);
    const files = [...new Set([...tracked, ...extras])].filter(inContext);
    for (const file of files) {
      mkdirSync(dirname(join(dir, file)), { recursive: true });
      writeFileSync(join(dir, file), file);
    }
    // The real ignore files (both, where the Dockerfile has its own: BuildKit must pick that one).
    for (const file of [image.ignoreFile, `${context === '' ? '' : `${context}/`}.dockerignore`]) {
      if (file !== undefined && inContext(file)) writeFileSync(join(dir, file), readFileSync(join(workspaceRoot, file)));
    }
    writeFileSync(join(dir, image.dockerfile), 'FROM scratch\nCOPY . /ctx/\n');
    const out = join(scratch, `${project}-out`);
    await docker(['build', '-q', '-f', join(dir, image.dockerfile), '-o', `type=local,dest=${out}`, join(dir, context)], {
      env: { DOCKER_HOST: 'unix:///var/run/docker.sock', DOCKER_BUILDKIT: '1' },
    });

    const sent = filesUnder(join(out, 'ctx')).map((file) => (context === '' ? file : `${context}/${file}`)).sort();
    const builderInputs = new Set([image.dockerfile, image.ignoreFile]);
    const visible = buildSees(context, image.ignoreRules);
    const predicted = files.filter((file) => !builderInputs.has(file) && visible(file)).sort();
    expect(sent.filter((file) => !builderInputs.has(file))).toEqual(predicted);
    // Not vacuous: the rules both keep and drop files here.
    expect(predicted.length).toBeGreaterThan(0);
    expect(files.length - predicted.length).toBeGreaterThan(2);
    console.log(`${project}: ${files.length} files in the context, ${predicted.length} sent (BuildKit and the image set agree)`);
  });
});
